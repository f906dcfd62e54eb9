package datatransfer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func sampleBlock() *hdfspb.ExtendedBlockProto {
	return &hdfspb.ExtendedBlockProto{
		PoolId:          proto.String("BP-1-127.0.0.1-1"),
		BlockId:         proto.Uint64(1073741825),
		GenerationStamp: proto.Uint64(1001),
		NumBytes:        proto.Uint64(1 << 20),
	}
}

func sampleBase() *hdfspb.BaseHeaderProto {
	return &hdfspb.BaseHeaderProto{
		Block: sampleBlock(),
		Token: &commonpb.TokenProto{Identifier: []byte{}, Password: []byte{}, Kind: proto.String(""), Service: proto.String("")},
	}
}

func sampleClientHeader() *hdfspb.ClientOperationHeaderProto {
	return &hdfspb.ClientOperationHeaderProto{BaseHeader: sampleBase(), ClientName: proto.String("DFSClient_test")}
}

func sampleDatanode(port uint32) *hdfspb.DatanodeInfoProto {
	return &hdfspb.DatanodeInfoProto{Id: &hdfspb.DatanodeIDProto{
		IpAddr: proto.String("127.0.0.1"), HostName: proto.String("localhost"),
		DatanodeUuid: proto.String("uuid"), XferPort: proto.Uint32(port),
		InfoPort: proto.Uint32(9864), IpcPort: proto.Uint32(9867),
	}}
}

// sampleRequests holds one valid request for every op ReadRequest decodes.
func sampleRequests() map[Op]proto.Message {
	stage := hdfspb.OpWriteBlockProto_PIPELINE_SETUP_CREATE
	st := hdfspb.StorageTypeProto_DISK
	return map[Op]proto.Message{
		OpWriteBlock: &hdfspb.OpWriteBlockProto{
			Header: sampleClientHeader(), Targets: []*hdfspb.DatanodeInfoProto{sampleDatanode(9866)},
			Stage: &stage, PipelineSize: proto.Uint32(2), MinBytesRcvd: proto.Uint64(0),
			MaxBytesRcvd: proto.Uint64(0), LatestGenerationStamp: proto.Uint64(1001),
			RequestedChecksum:  DataChecksum{ChecksumCRC32C, 512}.Proto(),
			TargetStorageTypes: []hdfspb.StorageTypeProto{st}, TargetStorageIds: []string{"DS-1"},
		},
		OpReadBlock: &hdfspb.OpReadBlockProto{
			Header: sampleClientHeader(), Offset: proto.Uint64(512), Len: proto.Uint64(4096),
			SendChecksums: proto.Bool(true),
		},
		OpReplaceBlock: &hdfspb.OpReplaceBlockProto{
			Header: sampleBase(), DelHint: proto.String("x"), Source: sampleDatanode(1), StorageType: &st,
		},
		OpCopyBlock:     &hdfspb.OpCopyBlockProto{Header: sampleBase()},
		OpBlockChecksum: &hdfspb.OpBlockChecksumProto{Header: sampleBase(), BlockChecksumOptions: BlockChecksumOptions{Type: CompositeCRC, StripeLength: 1024}.Proto()},
		OpTransferBlock: &hdfspb.OpTransferBlockProto{
			Header: sampleClientHeader(), Targets: []*hdfspb.DatanodeInfoProto{sampleDatanode(2), sampleDatanode(3)},
			TargetStorageTypes: []hdfspb.StorageTypeProto{st, st},
		},
		OpBlockGroupChecksum: &hdfspb.OpBlockGroupChecksumProto{
			Header: sampleBase(), Datanodes: &hdfspb.DatanodeInfosProto{Datanodes: []*hdfspb.DatanodeInfoProto{sampleDatanode(4)}},
			EcPolicy: &hdfspb.ErasureCodingPolicyProto{Id: proto.Uint32(1)}, BlockIndices: []uint32{0},
			RequestedNumBytes: proto.Uint64(100),
		},
	}
}

func TestRequestRoundTripEveryOp(t *testing.T) {
	reqs := sampleRequests()
	for op := Op(0); op < 255; op++ {
		if op.Supported() != (reqs[op] != nil) {
			t.Errorf("%v: Supported()=%v but sample present=%v", op, op.Supported(), reqs[op] != nil)
		}
	}
	for op, msg := range reqs {
		var buf bytes.Buffer
		if err := WriteRequest(&buf, op, msg); err != nil {
			t.Fatalf("%v: %v", op, err)
		}
		wire := buf.Bytes()
		if wire[0] != 0 || wire[1] != 28 || wire[2] != byte(op) {
			t.Errorf("%v: frame starts % x", op, wire[:3])
		}
		gotOp, got, err := ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
		if err != nil || gotOp != op || !proto.Equal(got, msg) {
			t.Errorf("%v: round trip gave %v %v %v", op, gotOp, got, err)
		}
	}
}

// Every prefix of a valid frame must fail; the empty one with io.EOF.
func TestRequestEveryTruncationRejected(t *testing.T) {
	for op, msg := range sampleRequests() {
		wire, err := AppendRequest(nil, op, msg)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(wire); i++ {
			_, _, err := ReadRequest(bytes.NewReader(wire[:i]))
			if err == nil {
				t.Fatalf("%v: prefix of %d/%d bytes accepted", op, i, len(wire))
			}
			if (i == 0) != (err == io.EOF) {
				t.Fatalf("%v: prefix %d: %v", op, i, err)
			}
		}
	}
}

func TestRequestWrongVersionIsTyped(t *testing.T) {
	_, _, err := ReadRequest(bytes.NewReader([]byte{0, 27, 81, 0}))
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Got != 27 || !errors.Is(err, ErrVersion) {
		t.Fatalf("got %v", err)
	}
	if got := err.Error(); got != "datatransfer: version mismatch: expected 28, received 27" {
		t.Errorf("message %q", got)
	}
}

func TestShortCircuitAndCustomOpsRejectedByName(t *testing.T) {
	for _, tc := range []struct {
		op   Op
		name string
	}{
		{OpReadMetadata, "READ_METADATA"},
		{OpRequestShortCircuitFDs, "REQUEST_SHORT_CIRCUIT_FDS"},
		{OpReleaseShortCircuitFDs, "RELEASE_SHORT_CIRCUIT_FDS"},
		{OpRequestShortCircuitShm, "REQUEST_SHORT_CIRCUIT_SHM"},
		{OpCustom, "CUSTOM"},
		{Op(200), "Op(200)"},
	} {
		op, _, err := ReadRequest(bytes.NewReader([]byte{0, 28, byte(tc.op), 2, 8, 1}))
		var oe *OpError
		if !errors.As(err, &oe) || oe.Op != tc.op || op != tc.op || !errors.Is(err, ErrUnsupportedOp) {
			t.Errorf("op %d: %v", tc.op, err)
		}
		if tc.op.String() != tc.name {
			t.Errorf("op %d named %q", tc.op, tc.op)
		}
		if _, err := AppendRequest(nil, tc.op, &hdfspb.OpCopyBlockProto{}); !errors.Is(err, ErrUnsupportedOp) {
			t.Errorf("sending op %d: %v", tc.op, err)
		}
	}
}

func TestRequestMessageMustMatchOp(t *testing.T) {
	if _, err := AppendRequest(nil, OpReadBlock, &hdfspb.OpCopyBlockProto{Header: sampleBase()}); err == nil {
		t.Fatal("READ_BLOCK with OpCopyBlockProto accepted")
	}
}

func TestRequestMissingRequiredFieldRejected(t *testing.T) {
	// OpCopyBlockProto with an empty message: header is required.
	if _, _, err := ReadRequest(bytes.NewReader([]byte{0, 28, 84, 0})); err == nil {
		t.Fatal("COPY_BLOCK without header accepted")
	}
}

func TestDelimitedLengthLimits(t *testing.T) {
	for _, b := range [][]byte{
		{0, 28, 81, 0xff, 0xff, 0xff, 0xff, 0x0f},       // 4 GiB
		{0, 28, 81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, // 6-byte varint
		{0, 28, 81, 0x81, 0x80, 0x80, 0x20},             // just over 64 MiB
	} {
		if _, _, err := ReadRequest(bytes.NewReader(b)); err == nil {
			t.Errorf("% x accepted", b)
		}
	}
}

func TestResponsesRoundTrip(t *testing.T) {
	msg := "oops"
	for _, m := range []*hdfspb.BlockOpResponseProto{
		{Status: hdfspb.Status_SUCCESS.Enum(), FirstBadLink: proto.String("")},
		{Status: hdfspb.Status_ERROR.Enum(), Message: &msg},
		{Status: hdfspb.Status_SUCCESS.Enum(), ReadOpChecksumInfo: &hdfspb.ReadOpChecksumInfoProto{
			Checksum: DataChecksum{ChecksumCRC32C, 512}.Proto(), ChunkOffset: proto.Uint64(1024)}},
	} {
		var buf bytes.Buffer
		if err := WriteBlockOpResponse(&buf, m); err != nil {
			t.Fatal(err)
		}
		wire := buf.Bytes()
		got, err := ReadBlockOpResponse(bytes.NewReader(wire))
		if err != nil || !proto.Equal(got, m) {
			t.Fatalf("%v %v", got, err)
		}
		for i := range wire {
			if _, err := ReadBlockOpResponse(bytes.NewReader(wire[:i])); err == nil {
				t.Fatalf("prefix %d accepted", i)
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteClientReadStatus(&buf, hdfspb.Status_CHECKSUM_OK); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), []byte{2, 8, 6}) {
		t.Errorf("ClientReadStatus CHECKSUM_OK is % x", buf.Bytes())
	}
	if s, err := ReadClientReadStatus(&buf); err != nil || s != hdfspb.Status_CHECKSUM_OK {
		t.Errorf("%v %v", s, err)
	}
}

func TestCheckBlockOpStatus(t *testing.T) {
	ok := &hdfspb.BlockOpResponseProto{Status: hdfspb.Status_SUCCESS.Enum()}
	if err := CheckBlockOpStatus(ok, "x"); err != nil {
		t.Fatal(err)
	}
	bad := &hdfspb.BlockOpResponseProto{Status: hdfspb.Status_ERROR_ACCESS_TOKEN.Enum(), Message: proto.String("expired")}
	err := CheckBlockOpStatus(bad, "for block blk_1_1")
	var se *StatusError
	if !errors.As(err, &se) || se.Status != hdfspb.Status_ERROR_ACCESS_TOKEN {
		t.Fatalf("%v", err)
	}
	if want := `datatransfer: got error, status=ERROR_ACCESS_TOKEN, status message "expired", for block blk_1_1`; err.Error() != want {
		t.Errorf("%q", err)
	}
}

func TestRandomBytesNeverPanicReadRequest(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(64))
		rng.Read(b)
		if len(b) > 2 && rng.Intn(2) == 0 {
			b[0], b[1] = 0, 28
			b[2] = byte(80 + rng.Intn(12))
		}
		ReadRequest(bytes.NewReader(b))
	}
}
