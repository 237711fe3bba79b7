#!/bin/bash
while [ ! -f /root/.ready ]; do sleep 1; done
