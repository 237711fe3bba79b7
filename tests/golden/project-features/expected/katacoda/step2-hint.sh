#!/bin/bash
echo "Try uname"
