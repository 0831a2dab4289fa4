#!/usr/bin/env bash
# Harness self-test: crash the guest kernel. The harness must report this
# test as failed and show the console tail.
echo "crashing the kernel on purpose"
sync
echo c >/proc/sysrq-trigger
sleep 60
