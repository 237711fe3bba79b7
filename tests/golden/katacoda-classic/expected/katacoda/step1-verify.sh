#!/bin/bash
[ -f /root/.ready ] && echo done
