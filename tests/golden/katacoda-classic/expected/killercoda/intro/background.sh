#!/bin/bash
touch /root/.ready
