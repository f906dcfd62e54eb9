//go:build !linux

package dfsio

const msgMore = 0
