#!/bin/bash
touch /tmp/.background-done
