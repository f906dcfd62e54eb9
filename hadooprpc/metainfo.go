package hadooprpc

// ProtocolMetaInfoName is the protocol every Hadoop RPC server answers
// about the protocols it serves (ProtocolMetaInfoPB).
const ProtocolMetaInfoName = "org.apache.hadoop.ipc.ProtocolMetaInfoPB"

func metaInfoProtocol(r *registry) Protocol {
	return Protocol{Name: ProtocolMetaInfoName, Version: 1, Methods: map[string]Handler{}}
}
