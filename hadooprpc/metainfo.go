package hadooprpc

import (
	"context"
	"slices"
	"strings"
	"unicode/utf16"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// ProtocolMetaInfoName is the protocol every Hadoop RPC server answers
// about the protocols it serves (ProtocolMetaInfoPB, registered by
// RPC.Server.initProtocolMetaInfo).
const ProtocolMetaInfoName = "org.apache.hadoop.ipc.ProtocolMetaInfoPB"

// Hadoop's RPC.RpcKind names, as the meta-info protocol spells them.
const (
	rpcKindBuiltin  = "RPC_BUILTIN"
	rpcKindWritable = "RPC_WRITABLE"
	rpcKindProtobuf = "RPC_PROTOCOL_BUFFER"
)

// pbInterface is one Java *PB interface: the class a Java client names in
// getProtocolSignature, the protocol name of its @ProtocolInfo, the proto
// service it extends, and whether it also extends VersionedProtocol.
type pbInterface struct {
	class     string
	protocol  string
	service   protoreflect.FullName
	versioned bool
}

// pbInterfaces lists Hadoop 3.4.1's *PB interfaces for the protocols of
// NOTES.md section 1 (their @ProtocolInfo annotations and extends clauses).
var pbInterfaces = []pbInterface{
	{"org.apache.hadoop.hdfs.protocolPB.ClientNamenodeProtocolPB", "org.apache.hadoop.hdfs.protocol.ClientProtocol", "hadoop.hdfs.ClientNamenodeProtocol", false},
	{"org.apache.hadoop.hdfs.protocolPB.DatanodeProtocolPB", "org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol", "hadoop.hdfs.datanode.DatanodeProtocolService", false},
	{"org.apache.hadoop.hdfs.protocolPB.DatanodeLifelineProtocolPB", "org.apache.hadoop.hdfs.server.protocol.DatanodeLifelineProtocol", "hadoop.hdfs.datanodelifeline.DatanodeLifelineProtocolService", false},
	{"org.apache.hadoop.hdfs.protocolPB.NamenodeProtocolPB", "org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol", "hadoop.hdfs.namenode.NamenodeProtocolService", false},
	{"org.apache.hadoop.hdfs.protocolPB.ClientDatanodeProtocolPB", "org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol", "hadoop.hdfs.ClientDatanodeProtocolService", false},
	{"org.apache.hadoop.hdfs.protocolPB.InterDatanodeProtocolPB", "org.apache.hadoop.hdfs.server.protocol.InterDatanodeProtocol", "hadoop.hdfs.InterDatanodeProtocolService", false},
	{"org.apache.hadoop.hdfs.protocolPB.ReconfigurationProtocolPB", "org.apache.hadoop.hdfs.protocol.ReconfigurationProtocol", "hadoop.hdfs.ReconfigurationProtocolService", false},
	{"org.apache.hadoop.hdfs.qjournal.protocolPB.QJournalProtocolPB", "org.apache.hadoop.hdfs.qjournal.protocol.QJournalProtocol", "hadoop.hdfs.qjournal.QJournalProtocolService", false},
	{"org.apache.hadoop.hdfs.qjournal.protocolPB.InterQJournalProtocolPB", "org.apache.hadoop.hdfs.qjournal.protocol.InterQJournalProtocol", "hadoop.hdfs.qjournal.InterQJournalProtocolService", false},
	{"org.apache.hadoop.hdfs.protocolPB.JournalProtocolPB", "org.apache.hadoop.hdfs.server.protocol.JournalProtocol", "hadoop.hdfs.JournalProtocolService", false},
	{"org.apache.hadoop.ha.protocolPB.HAServiceProtocolPB", "org.apache.hadoop.ha.HAServiceProtocol", "hadoop.common.HAServiceProtocolService", true},
	{"org.apache.hadoop.ha.protocolPB.ZKFCProtocolPB", "org.apache.hadoop.ha.ZKFCProtocol", "hadoop.common.ZKFCProtocolService", true},
	{"org.apache.hadoop.security.protocolPB.RefreshAuthorizationPolicyProtocolPB", "org.apache.hadoop.security.authorize.RefreshAuthorizationPolicyProtocol", "hadoop.common.RefreshAuthorizationPolicyProtocolService", false},
	{"org.apache.hadoop.security.protocolPB.RefreshUserMappingsProtocolPB", "org.apache.hadoop.security.RefreshUserMappingsProtocol", "hadoop.common.RefreshUserMappingsProtocolService", false},
	{"org.apache.hadoop.ipc.protocolPB.RefreshCallQueueProtocolPB", "org.apache.hadoop.ipc.RefreshCallQueueProtocol", "hadoop.common.RefreshCallQueueProtocolService", false},
	{"org.apache.hadoop.ipc.protocolPB.GenericRefreshProtocolPB", "org.apache.hadoop.ipc.GenericRefreshProtocol", "hadoop.common.GenericRefreshProtocolService", false},
	{"org.apache.hadoop.tools.protocolPB.GetUserMappingsProtocolPB", "org.apache.hadoop.tools.GetUserMappingsProtocol", "hadoop.common.GetUserMappingsProtocolService", false},
	{"org.apache.hadoop.ipc.ProtocolMetaInfoPB", ProtocolMetaInfoName, "hadoop.common.ProtocolInfoService", false},
	{"org.apache.hadoop.hdfs.protocolPB.AliasMapProtocolPB", "org.apache.hadoop.hdfs.server.aliasmap.AliasMapProtocol", "hadoop.hdfs.AliasMapProtocolService", false},
}

// metaInfo serves ProtocolMetaInfoPB for a server's registry
// (ProtocolMetaInfoServerSideTranslatorPB).
type metaInfo struct{ reg *registry }

func metaInfoProtocol(r *registry) Protocol {
	m := metaInfo{reg: r}
	return Protocol{Name: ProtocolMetaInfoName, Version: 1, Methods: map[string]Handler{
		"getProtocolVersions": Method(func() *commonpb.GetProtocolVersionsRequestProto {
			return new(commonpb.GetProtocolVersionsRequestProto)
		}, m.getProtocolVersions),
		"getProtocolSignature": Method(func() *commonpb.GetProtocolSignatureRequestProto {
			return new(commonpb.GetProtocolSignatureRequestProto)
		}, m.getProtocolSignature),
	}}
}

// resolve stands for the translator's Class.forName and
// RPC.getProtocolName: it maps the class a client names to the protocol
// name the server registers, or fails as Class.forName would. A *PB
// interface maps to its @ProtocolInfo name; a protocol's own interface
// name (or any registered name) maps to itself.
func (m metaInfo) resolve(class string) (string, *pbInterface, error) {
	for i := range pbInterfaces {
		if pbInterfaces[i].class == class {
			return pbInterfaces[i].protocol, &pbInterfaces[i], nil
		}
	}
	for i := range pbInterfaces {
		if pbInterfaces[i].protocol == class {
			return class, &pbInterfaces[i], nil
		}
	}
	if len(m.reg.versions[class]) > 0 {
		return class, nil, nil
	}
	return "", nil, appError("java.lang.ClassNotFoundException", class)
}

// getProtocolVersions is answered as Hadoop 3.4.1 answers it. Its
// translator builds one ProtocolVersionProto per RpcKind and leaves the
// required rpcKind unset for a kind the protocol is not registered under;
// as no protocol is registered under RPC_BUILTIN, build() always throws
// UninitializedMessageException, which the client receives.
func (m metaInfo) getProtocolVersions(_ context.Context, req *commonpb.GetProtocolVersionsRequestProto) (*commonpb.GetProtocolVersionsResponseProto, error) {
	if _, _, err := m.resolve(req.GetProtocol()); err != nil {
		return nil, err
	}
	return nil, appError(ClassUninitializedMessage, "Message missing required fields: rpcKind")
}

// getProtocolSignature returns, for each version of the protocol served
// under the RPC kind, the fingerprints of the *PB interface's methods
// (ProtocolSignature.getFingerprint), sorted as Hadoop leaves them.
func (m metaInfo) getProtocolSignature(_ context.Context, req *commonpb.GetProtocolSignatureRequestProto) (*commonpb.GetProtocolSignatureResponseProto, error) {
	kind := req.GetRpcKind()
	if kind != rpcKindBuiltin && kind != rpcKindWritable && kind != rpcKindProtobuf {
		return nil, appError(ClassIllegalArgument, "No enum constant org.apache.hadoop.ipc.RPC.RpcKind."+kind)
	}
	name, pb, err := m.resolve(req.GetProtocol())
	if err != nil {
		return nil, err
	}
	resp := &commonpb.GetProtocolSignatureResponseProto{}
	if kind != rpcKindProtobuf {
		return resp, nil
	}
	methods := pbFingerprints(pb)
	for _, v := range m.reg.versions[name] {
		resp.ProtocolSignature = append(resp.ProtocolSignature, &commonpb.ProtocolSignatureProto{
			Version: proto.Uint64(v), Methods: methods,
		})
	}
	return resp, nil
}

// pbFingerprints computes ProtocolSignature.getFingerprint for every
// method of a *PB interface: each rpc of its service as protoc's Java
// BlockingInterface declares it, plus VersionedProtocol's two methods.
// Unknown interfaces, or services not linked into this binary, give none.
func pbFingerprints(pb *pbInterface) []uint32 {
	if pb == nil {
		return nil
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(pb.service)
	if err != nil {
		return nil
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil
	}
	var hs []int32
	for i := 0; i < sd.Methods().Len(); i++ {
		md := sd.Methods().Get(i)
		hs = append(hs, methodFingerprint(javaMethodName(string(md.Name())), javaClassName(md.Output()),
			"org.apache.hadoop.thirdparty.protobuf.RpcController", javaClassName(md.Input())))
	}
	if pb.versioned {
		hs = append(hs,
			methodFingerprint("getProtocolVersion", "long", "java.lang.String", "long"),
			methodFingerprint("getProtocolSignature", "org.apache.hadoop.ipc.ProtocolSignature", "java.lang.String", "long", "int"))
	}
	slices.Sort(hs) // getFingerprint sorts the signature's array in place
	out := make([]uint32, len(hs))
	for i, h := range hs {
		out[i] = uint32(h)
	}
	return out
}

// methodFingerprint is ProtocolSignature.getFingerprint(Method) over the
// Java names of a method, its return type and its parameter types.
func methodFingerprint(name, returnType string, params ...string) int32 {
	h := javaHash(name)
	h += 31 * javaHash(returnType)
	for _, p := range params {
		h = 31*h ^ javaHash(p)
	}
	return h
}

// javaHash is java.lang.String.hashCode.
func javaHash(s string) int32 {
	var h int32
	for _, c := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(c)
	}
	return h
}

// javaMethodName is protoc's Java name for an rpc: lower camel case.
func javaMethodName(rpc string) string {
	var b strings.Builder
	upper := false
	for i, c := range rpc {
		switch {
		case c == '_':
			upper = true
			continue
		case i == 0 && c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case upper && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		upper = c >= '0' && c <= '9'
		b.WriteRune(c)
	}
	return b.String()
}

// javaFiles gives the java_package and java_outer_classname of Hadoop's
// .proto files (none sets java_multiple_files).
var javaFiles = map[string][2]string{
	"AliasMapProtocol.proto":                   {"org.apache.hadoop.hdfs.protocol.proto", "AliasMapProtocolProtos"},
	"ClientDatanodeProtocol.proto":             {"org.apache.hadoop.hdfs.protocol.proto", "ClientDatanodeProtocolProtos"},
	"ClientNamenodeProtocol.proto":             {"org.apache.hadoop.hdfs.protocol.proto", "ClientNamenodeProtocolProtos"},
	"DatanodeLifelineProtocol.proto":           {"org.apache.hadoop.hdfs.protocol.proto", "DatanodeLifelineProtocolProtos"},
	"DatanodeProtocol.proto":                   {"org.apache.hadoop.hdfs.protocol.proto", "DatanodeProtocolProtos"},
	"GenericRefreshProtocol.proto":             {"org.apache.hadoop.ipc.proto", "GenericRefreshProtocolProtos"},
	"GetUserMappingsProtocol.proto":            {"org.apache.hadoop.tools.proto", "GetUserMappingsProtocolProtos"},
	"HAServiceProtocol.proto":                  {"org.apache.hadoop.ha.proto", "HAServiceProtocolProtos"},
	"HdfsServer.proto":                         {"org.apache.hadoop.hdfs.protocol.proto", "HdfsServerProtos"},
	"InterDatanodeProtocol.proto":              {"org.apache.hadoop.hdfs.protocol.proto", "InterDatanodeProtocolProtos"},
	"InterQJournalProtocol.proto":              {"org.apache.hadoop.hdfs.qjournal.protocol", "InterQJournalProtocolProtos"},
	"IpcConnectionContext.proto":               {"org.apache.hadoop.ipc.protobuf", "IpcConnectionContextProtos"},
	"JournalProtocol.proto":                    {"org.apache.hadoop.hdfs.protocol.proto", "JournalProtocolProtos"},
	"NamenodeProtocol.proto":                   {"org.apache.hadoop.hdfs.protocol.proto", "NamenodeProtocolProtos"},
	"ProtobufRpcEngine2.proto":                 {"org.apache.hadoop.ipc.protobuf", "ProtobufRpcEngine2Protos"},
	"ProtocolInfo.proto":                       {"org.apache.hadoop.ipc.protobuf", "ProtocolInfoProtos"},
	"QJournalProtocol.proto":                   {"org.apache.hadoop.hdfs.qjournal.protocol", "QJournalProtocolProtos"},
	"ReconfigurationProtocol.proto":            {"org.apache.hadoop.hdfs.protocol.proto", "ReconfigurationProtocolProtos"},
	"RefreshAuthorizationPolicyProtocol.proto": {"org.apache.hadoop.security.proto", "RefreshAuthorizationPolicyProtocolProtos"},
	"RefreshCallQueueProtocol.proto":           {"org.apache.hadoop.ipc.proto", "RefreshCallQueueProtocolProtos"},
	"RefreshUserMappingsProtocol.proto":        {"org.apache.hadoop.security.proto", "RefreshUserMappingsProtocolProtos"},
	"RpcHeader.proto":                          {"org.apache.hadoop.ipc.protobuf", "RpcHeaderProtos"},
	"Security.proto":                           {"org.apache.hadoop.security.proto", "SecurityProtos"},
	"ZKFCProtocol.proto":                       {"org.apache.hadoop.ha.proto", "ZKFCProtocolProtos"},
	"acl.proto":                                {"org.apache.hadoop.hdfs.protocol.proto", "AclProtos"},
	"encryption.proto":                         {"org.apache.hadoop.hdfs.protocol.proto", "EncryptionZonesProtos"},
	"erasurecoding.proto":                      {"org.apache.hadoop.hdfs.protocol.proto", "ErasureCodingProtos"},
	"hdfs.proto":                               {"org.apache.hadoop.hdfs.protocol.proto", "HdfsProtos"},
	"inotify.proto":                            {"org.apache.hadoop.hdfs.protocol.proto", "InotifyProtos"},
	"xattr.proto":                              {"org.apache.hadoop.hdfs.protocol.proto", "XAttrProtos"},
}

// javaClassName is Class.getName of a message's Java class: package,
// outer class, then the message and its parents joined by '$'.
func javaClassName(md protoreflect.MessageDescriptor) string {
	var nest []string
	var d protoreflect.Descriptor = md
	for ; d != nil; d = d.Parent() {
		if _, isFile := d.(protoreflect.FileDescriptor); isFile {
			break
		}
		nest = append(nest, string(d.Name()))
	}
	slices.Reverse(nest)
	f := javaFiles[md.ParentFile().Path()]
	return f[0] + "." + f[1] + "$" + strings.Join(nest, "$")
}
