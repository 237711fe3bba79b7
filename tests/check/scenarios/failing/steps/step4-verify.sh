#!/bin/bash
echo "looking for right-file"
test -f right-file
