#!/bin/bash
grep -q "engine answers" ~/engine.txt
