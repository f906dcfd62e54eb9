package hadooprpc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// Wire constants of Hadoop IPC (RpcConstants, Server.AuthProtocol).
const (
	// Version is the IPC version byte of the connection preamble.
	Version = 9
	// AuthNone is the preamble's auth-protocol byte for SIMPLE without SASL.
	AuthNone = 0
	// AuthSASL is the preamble's auth-protocol byte for SASL (-33 as a signed byte).
	AuthSASL = 0xDF

	// Special call ids.
	CallIDAuthorizationFailed = -1
	CallIDInvalid             = -2
	CallIDConnectionContext   = -3
	CallIDPing                = -4
	CallIDSASL                = -33

	// PreambleLen is the size of the connection preamble.
	PreambleLen = 7
	// DefaultMaxDataLength is ipc.maximum.data.length's default (128 MiB).
	DefaultMaxDataLength = 128 << 20
)

var preambleMagic = [4]byte{'h', 'r', 'p', 'c'}

// Preamble is the 7-byte header a client sends when it connects.
type Preamble struct {
	Version      byte
	ServiceClass byte
	AuthProtocol byte
}

// Errors of the framing layer. Each is wrapped with the detail that failed.
var (
	ErrBadMagic     = errors.New("hadooprpc: connection does not start with \"hrpc\"")
	ErrBadVersion   = errors.New("hadooprpc: unsupported IPC version")
	ErrFrameLength  = errors.New("hadooprpc: bad frame length")
	ErrTruncated    = errors.New("hadooprpc: truncated message")
	ErrTrailingData = errors.New("hadooprpc: trailing bytes after last message")
)

// ParsePreamble checks the magic of a 7-byte preamble and returns its fields.
// A version other than 9 is returned together with ErrBadVersion so that the
// server can answer the way Hadoop does before closing.
func ParsePreamble(b []byte) (Preamble, error) {
	if len(b) < PreambleLen {
		return Preamble{}, fmt.Errorf("%w: preamble of %d bytes", ErrTruncated, len(b))
	}
	if [4]byte(b[:4]) != preambleMagic {
		return Preamble{}, fmt.Errorf("%w (got %q)", ErrBadMagic, b[:4])
	}
	p := Preamble{Version: b[4], ServiceClass: b[5], AuthProtocol: b[6]}
	if p.Version != Version {
		return p, fmt.Errorf("%w %d (want %d)", ErrBadVersion, p.Version, Version)
	}
	return p, nil
}

// ReadPreamble reads and parses the preamble from r.
func ReadPreamble(r io.Reader) (Preamble, error) {
	var b [PreambleLen]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Preamble{}, fmt.Errorf("hadooprpc: reading preamble: %w", err)
	}
	return ParsePreamble(b[:])
}

// AppendPreamble appends p's 7 bytes to dst.
func AppendPreamble(dst []byte, p Preamble) []byte {
	dst = append(dst, preambleMagic[:]...)
	return append(dst, p.Version, p.ServiceClass, p.AuthProtocol)
}

// ReadFrame reads one length-prefixed frame. The length must be positive and
// at most max. buf is reused when large enough.
func ReadFrame(r io.Reader, max int, buf []byte) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(hdr[:]))
	if n <= 0 || int64(n) > int64(max) {
		return nil, fmt.Errorf("%w %d (max %d)", ErrFrameLength, n, max)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("hadooprpc: reading frame of %d bytes: %w", n, err)
	}
	return buf, nil
}

// NextDelimited splits the varint-length-delimited message at the front of b
// from the bytes after it.
func NextDelimited(b []byte) (msg, rest []byte, err error) {
	n, k := protowire.ConsumeVarint(b)
	if k < 0 {
		return nil, nil, fmt.Errorf("%w: bad length varint", ErrTruncated)
	}
	if n > uint64(len(b)-k) {
		return nil, nil, fmt.Errorf("%w: message of %d bytes, %d left", ErrTruncated, n, len(b)-k)
	}
	end := k + int(n)
	return b[k:end], b[end:], nil
}

// UnmarshalDelimited decodes the delimited message at the front of b into m
// and returns the rest.
func UnmarshalDelimited(b []byte, m proto.Message) (rest []byte, err error) {
	msg, rest, err := NextDelimited(b)
	if err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(msg, m); err != nil {
		return nil, fmt.Errorf("hadooprpc: decoding %s: %w", m.ProtoReflect().Descriptor().Name(), err)
	}
	return rest, nil
}

// AppendDelimited appends m with its varint length prefix.
func AppendDelimited(dst []byte, m proto.Message) ([]byte, error) {
	size := proto.Size(m)
	dst = protowire.AppendVarint(dst, uint64(size))
	return proto.MarshalOptions{UseCachedSize: true}.MarshalAppend(dst, m)
}

// AppendFrame appends a frame holding msgs, each varint-delimited, behind a
// 4-byte big-endian length. A nil message is skipped.
func AppendFrame(dst []byte, msgs ...proto.Message) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	for _, m := range msgs {
		if m == nil {
			continue
		}
		var err error
		if dst, err = AppendDelimited(dst, m); err != nil {
			return dst[:start], fmt.Errorf("hadooprpc: encoding %s: %w", m.ProtoReflect().Descriptor().Name(), err)
		}
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst, nil
}
