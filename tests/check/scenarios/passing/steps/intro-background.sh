#!/bin/bash
# Hidden setup: a marker the first step reads.
echo ready > ~/.setup-done
