#!/bin/bash
echo step2
