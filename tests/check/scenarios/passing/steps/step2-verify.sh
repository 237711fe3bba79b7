#!/bin/bash
grep -q "hello world" ~/project/fetched.txt
