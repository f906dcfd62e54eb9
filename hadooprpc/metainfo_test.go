package hadooprpc

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

func TestJavaHashIsStringHashCode(t *testing.T) {
	for s, want := range map[string]int32{"": 0, "a": 97, "hello": 99162322, "long": 3327612,
		"java.lang.String": 1195259493} {
		if got := javaHash(s); got != want {
			t.Errorf("javaHash(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestJavaNamesOfProtocMessagesAndMethods(t *testing.T) {
	if got := javaClassName((&commonpb.RpcSaslProto_SaslAuth{}).ProtoReflect().Descriptor()); got !=
		"org.apache.hadoop.ipc.protobuf.RpcHeaderProtos$RpcSaslProto$SaslAuth" {
		t.Errorf("nested message: %q", got)
	}
	if got := javaClassName((&commonpb.GetProtocolSignatureRequestProto{}).ProtoReflect().Descriptor()); got !=
		"org.apache.hadoop.ipc.protobuf.ProtocolInfoProtos$GetProtocolSignatureRequestProto" {
		t.Errorf("message: %q", got)
	}
	for in, want := range map[string]string{"getBlockLocations": "getBlockLocations", "Foo_bar2baz": "fooBar2Baz"} {
		if got := javaMethodName(in); got != want {
			t.Errorf("javaMethodName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The meta-info protocol answers on any connection, as a Java client's
// RpcClientUtil.isMethodSupported uses it (ProtocolMetaInfoServerSideTranslatorPB).
func TestProtocolMetaInfo(t *testing.T) {
	const pbClass = "org.apache.hadoop.ipc.protocolPB.GenericRefreshProtocolPB"
	// Computed with Java: reflection over stub classes of the same names
	// (GenericRefreshProtocolProtos$..., shaded RpcController).
	const refreshHash = 744829649
	sigReq := func(protocol, kind string) proto.Message {
		return &commonpb.GetProtocolSignatureRequestProto{Protocol: proto.String(protocol), RpcKind: proto.String(kind)}
	}
	tests := []struct {
		name   string
		method string
		req    proto.Message
		want   proto.Message // SUCCESS body
		class  string        // else the ERROR's class
		msg    string
	}{
		{"signature of a PB interface", "getProtocolSignature", sigReq(pbClass, "RPC_PROTOCOL_BUFFER"),
			&commonpb.GetProtocolSignatureResponseProto{ProtocolSignature: []*commonpb.ProtocolSignatureProto{
				{Version: proto.Uint64(1), Methods: []uint32{refreshHash}}}}, "", ""},
		{"signature under another rpc kind is empty", "getProtocolSignature", sigReq(pbClass, "RPC_WRITABLE"),
			&commonpb.GetProtocolSignatureResponseProto{}, "", ""},
		{"signature of a Hadoop protocol not served is empty", "getProtocolSignature",
			sigReq("org.apache.hadoop.hdfs.protocolPB.DatanodeProtocolPB", "RPC_PROTOCOL_BUFFER"),
			&commonpb.GetProtocolSignatureResponseProto{}, "", ""},
		{"signature of an unknown class", "getProtocolSignature", sigReq("org.example.Nope", "RPC_PROTOCOL_BUFFER"),
			nil, "java.lang.ClassNotFoundException", "org.example.Nope"},
		{"signature of an unknown rpc kind", "getProtocolSignature", sigReq(pbClass, "RPC_NOPE"),
			nil, "java.lang.IllegalArgumentException", "No enum constant org.apache.hadoop.ipc.RPC.RpcKind.RPC_NOPE"},
		{"versions fail as in Hadoop 3.4.1", "getProtocolVersions",
			&commonpb.GetProtocolVersionsRequestProto{Protocol: proto.String(pbClass)},
			nil, "org.apache.hadoop.thirdparty.protobuf.UninitializedMessageException", "Message missing required fields: rpcKind"},
	}
	_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr).connect("quinn", refreshProtocol)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			c.frame(rawRPCHeader(int32(i)), rawMethodHeader(ProtocolMetaInfoName, tc.method), tc.req)
			h, body := c.response()
			if tc.want == nil {
				if h.GetExceptionClassName() != tc.class || h.GetErrorMsg() != tc.msg ||
					h.GetErrorDetail() != commonpb.RpcResponseHeaderProto_ERROR_APPLICATION {
					t.Fatalf("got %v", h)
				}
				return
			}
			got := tc.want.ProtoReflect().New().Interface()
			if err := proto.Unmarshal(body, got); err != nil || !proto.Equal(got, tc.want) {
				t.Fatalf("got %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

// HAServiceProtocolPB also extends VersionedProtocol, whose two methods
// count in its signature.
func TestProtocolMetaInfoCountsVersionedProtocolMethods(t *testing.T) {
	pb := &pbInterfaces[0]
	for i := range pbInterfaces {
		if pbInterfaces[i].class == "org.apache.hadoop.ha.protocolPB.HAServiceProtocolPB" {
			pb = &pbInterfaces[i]
		}
	}
	got := pbFingerprints(pb)
	// monitorHealth, transitionToActive, transitionToStandby,
	// transitionToObserver, getServiceStatus; getProtocolVersion,
	// getProtocolSignature.
	if len(got) != 5+2 {
		t.Fatalf("fingerprints: %v", got)
	}
	// VersionedProtocol's methods, from Java reflection as above.
	if !slices.Contains(got, uint32(2691276095)) || !slices.Contains(got, uint32(4138046293)) {
		t.Errorf("VersionedProtocol methods missing from %v", got)
	}
	for i := 1; i < len(got); i++ {
		if int32(got[i-1]) > int32(got[i]) {
			t.Fatalf("not sorted as Java ints: %v", got)
		}
	}
}
