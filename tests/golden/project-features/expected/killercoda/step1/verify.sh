#!/bin/bash
docker info >/dev/null && echo done
