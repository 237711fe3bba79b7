#!/bin/bash
echo waiting
