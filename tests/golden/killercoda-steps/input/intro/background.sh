#!/bin/bash
set -x
echo setup
