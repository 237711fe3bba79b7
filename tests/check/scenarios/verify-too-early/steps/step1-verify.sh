#!/bin/bash
# Wrong: checks the home folder, which is always there, not made.txt.
test -d ~
