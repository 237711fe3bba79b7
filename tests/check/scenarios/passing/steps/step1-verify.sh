#!/bin/bash
test "$(cat ~/work/out.txt)" = "hello world"
