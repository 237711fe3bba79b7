#!/bin/bash
grep -q "hello world" ~/work/fetched.txt
