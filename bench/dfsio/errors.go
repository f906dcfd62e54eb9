package dfsio

import "errors"

// ErrNoClient is returned by Run when given no Opener: the stock client
// cannot be linked into binaries that hold hdfsd's protos (see
// stockclient), so those must run the hdfsd-dfsio binary instead.
var ErrNoClient = errors.New("dfsio: no HDFS client in this binary; run hdfsd-dfsio " +
	"(go build ./bench/dfsio/cmd/hdfsd-dfsio), which links the stock Go client")
