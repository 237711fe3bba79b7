#!/bin/bash
test "$(cat ~/project/out.txt)" = "hello world"
