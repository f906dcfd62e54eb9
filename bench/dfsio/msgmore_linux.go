package dfsio

import "syscall"

const msgMore = syscall.MSG_MORE
