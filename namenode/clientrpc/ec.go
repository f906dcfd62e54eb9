package clientrpc

import (
	"context"
	"maps"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (s *server) ecMethods() map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"getErasureCodingPolicies":       Handle(s.getErasureCodingPolicies),
		"getErasureCodingPolicy":         Handle(s.getErasureCodingPolicy),
		"getErasureCodingCodecs":         Handle(s.getErasureCodingCodecs),
		"getECTopologyResultForPolicies": Handle(s.getECTopologyResultForPolicies),
	}
}

// maxSystemECPolicyID is the last built-in policy: those go on the wire
// by id alone (PBHelperClient.createECPolicyProtoBuilder).
const maxSystemECPolicyID = 5

func ecPolicy(p *ECPolicy, withState bool) *pb.ErasureCodingPolicyProto {
	out := &pb.ErasureCodingPolicyProto{Id: proto.Uint32(uint32(p.ID))}
	if p.ID == 0 || p.ID > maxSystemECPolicyID {
		out.Name = proto.String(p.Name)
		out.CellSize = proto.Uint32(uint32(p.CellSize))
		out.Schema = &pb.ECSchemaProto{CodecName: proto.String(p.Codec),
			DataUnits: proto.Uint32(uint32(p.DataUnits)), ParityUnits: proto.Uint32(uint32(p.ParityUnits))}
		for _, k := range slices.Sorted(maps.Keys(p.Options)) {
			out.Schema.Options = append(out.Schema.Options,
				&pb.ECSchemaOptionEntryProto{Key: proto.String(k), Value: proto.String(p.Options[k])})
		}
	}
	if withState {
		out.State = pb.ErasureCodingPolicyState(p.State).Enum()
	}
	return out
}

func (s *server) getErasureCodingPolicies(ctx context.Context, _ *pb.GetErasureCodingPoliciesRequestProto) (*pb.GetErasureCodingPoliciesResponseProto, error) {
	ps, err := s.ns.GetErasureCodingPolicies(ctx)
	if err != nil {
		return nil, err
	}
	resp := &pb.GetErasureCodingPoliciesResponseProto{}
	for i := range ps {
		resp.EcPolicies = append(resp.EcPolicies, ecPolicy(&ps[i], true))
	}
	return resp, nil
}

// getErasureCodingPolicy answers a replicated path with an empty response.
func (s *server) getErasureCodingPolicy(ctx context.Context, r *pb.GetErasureCodingPolicyRequestProto) (*pb.GetErasureCodingPolicyResponseProto, error) {
	p, err := s.ns.GetErasureCodingPolicy(ctx, r.GetSrc())
	if err != nil || p == nil {
		return &pb.GetErasureCodingPolicyResponseProto{}, err
	}
	return &pb.GetErasureCodingPolicyResponseProto{EcPolicy: ecPolicy(p, false)}, nil
}

func (s *server) getErasureCodingCodecs(ctx context.Context, _ *pb.GetErasureCodingCodecsRequestProto) (*pb.GetErasureCodingCodecsResponseProto, error) {
	codecs, err := s.ns.GetErasureCodingCodecs(ctx)
	if err != nil {
		return nil, err
	}
	resp := &pb.GetErasureCodingCodecsResponseProto{}
	for _, k := range slices.Sorted(maps.Keys(codecs)) {
		resp.Codec = append(resp.Codec, &pb.CodecProto{Codec: proto.String(k), Coders: proto.String(codecs[k])})
	}
	return resp, nil
}

func (s *server) getECTopologyResultForPolicies(ctx context.Context, r *pb.GetECTopologyResultForPoliciesRequestProto) (*pb.GetECTopologyResultForPoliciesResponseProto, error) {
	res, err := s.ns.GetECTopologyResultForPolicies(ctx, r.GetPolicies())
	if err != nil {
		return nil, err
	}
	return &pb.GetECTopologyResultForPoliciesResponseProto{Response: &pb.ECTopologyVerifierResultProto{
		ResultMessage: proto.String(res.Message), IsSupported: proto.Bool(res.Supported)}}, nil
}
