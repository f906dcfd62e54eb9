package datatransfer

import (
	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// EmptyToken is the token Hadoop sends when block tokens are off: every
// required field present and empty.
func EmptyToken() *commonpb.TokenProto {
	empty := ""
	return &commonpb.TokenProto{Identifier: []byte{}, Password: []byte{}, Kind: &empty, Service: &empty}
}

// BaseHeader builds the header every op carries, as
// DataTransferProtoUtil.buildBaseHeader does: the token is always set, so a
// nil one becomes EmptyToken.
func BaseHeader(block *hdfspb.ExtendedBlockProto, token *commonpb.TokenProto) *hdfspb.BaseHeaderProto {
	if token == nil {
		token = EmptyToken()
	}
	return &hdfspb.BaseHeaderProto{Block: block, Token: token}
}

// ClientHeader builds the header of the ops a client names itself in
// (WRITE_BLOCK, READ_BLOCK, TRANSFER_BLOCK).
func ClientHeader(block *hdfspb.ExtendedBlockProto, client string, token *commonpb.TokenProto) *hdfspb.ClientOperationHeaderProto {
	return &hdfspb.ClientOperationHeaderProto{BaseHeader: BaseHeader(block, token), ClientName: &client}
}

// ReadBlockResponse is the SUCCESS response to READ_BLOCK: the checksum in
// use and the offset of the first chunk the packets will carry (the
// requested offset rounded down to a chunk boundary).
func ReadBlockResponse(c DataChecksum, chunkOffset int64) *hdfspb.BlockOpResponseProto {
	off := uint64(chunkOffset)
	return &hdfspb.BlockOpResponseProto{
		Status:             hdfspb.Status_SUCCESS.Enum(),
		ReadOpChecksumInfo: &hdfspb.ReadOpChecksumInfoProto{Checksum: c.Proto(), ChunkOffset: &off},
	}
}

// ErrorResponse is a failure response with a message, the form DataXceiver
// uses when it refuses an op it has parsed (for example ERROR_ACCESS_TOKEN
// from checkAccess, or ERROR with a reason from replaceBlock).
func ErrorResponse(s hdfspb.Status, message string) *hdfspb.BlockOpResponseProto {
	return &hdfspb.BlockOpResponseProto{Status: s.Enum(), Message: &message}
}

// WriteBlockResponse is the response DataXceiver sends once a WRITE_BLOCK
// pipeline is set up; firstBadLink is always set, empty when every
// downstream node connected.
func WriteBlockResponse(s hdfspb.Status, firstBadLink string) *hdfspb.BlockOpResponseProto {
	return &hdfspb.BlockOpResponseProto{Status: s.Enum(), FirstBadLink: &firstBadLink}
}

// BlockChecksumResponse is the SUCCESS response to BLOCK_CHECKSUM.
func BlockChecksumResponse(bc *BlockChecksum) *hdfspb.BlockOpResponseProto {
	return &hdfspb.BlockOpResponseProto{Status: hdfspb.Status_SUCCESS.Enum(), ChecksumResponse: bc.Proto()}
}
