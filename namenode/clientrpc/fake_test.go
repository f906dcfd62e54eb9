package clientrpc

import (
	"context"
	"fmt"
	"sync"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// fakeNS is a Namesystem that records each call (with its caller) and
// answers with its fields. Methods it does not define panic through the
// nil embedded interface, which hadooprpc answers as an IOException.
type fakeNS struct {
	Namesystem

	status   *namespace.FileStatus
	listing  *Listing
	summary  *namespace.ContentSummary
	usage    *namespace.QuotaUsage
	result   bool
	policies []StoragePolicy
	err      error

	mu    sync.Mutex
	calls []string
}

func (f *fakeNS) record(ctx context.Context, format string, args ...any) {
	c, _ := hadooprpc.CallerFromContext(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c.User+" "+fmt.Sprintf(format, args...))
}

func (f *fakeNS) GetFileInfo(ctx context.Context, src string, resolveLink bool) (*namespace.FileStatus, error) {
	f.record(ctx, "GetFileInfo %s %v", src, resolveLink)
	return f.status, f.err
}

func (f *fakeNS) GetListing(ctx context.Context, src string, startAfter []byte, needLocation bool) (*Listing, error) {
	f.record(ctx, "GetListing %s %q %v", src, startAfter, needLocation)
	return f.listing, f.err
}

func (f *fakeNS) GetContentSummary(ctx context.Context, src string) (*namespace.ContentSummary, error) {
	f.record(ctx, "GetContentSummary %s", src)
	return f.summary, f.err
}

func (f *fakeNS) GetQuotaUsage(ctx context.Context, src string) (*namespace.QuotaUsage, error) {
	f.record(ctx, "GetQuotaUsage %s", src)
	return f.usage, f.err
}

func (f *fakeNS) Create(ctx context.Context, r CreateRequest) (*namespace.FileStatus, error) {
	f.record(ctx, "Create %+v", r)
	return f.status, f.err
}

func (f *fakeNS) Mkdirs(ctx context.Context, src string, m CreateMode, createParent bool) (bool, error) {
	f.record(ctx, "Mkdirs %s %+v %v", src, m, createParent)
	return f.result, f.err
}

func (f *fakeNS) Rename(ctx context.Context, src, dst string) (bool, error) {
	f.record(ctx, "Rename %s %s", src, dst)
	return f.result, f.err
}

func (f *fakeNS) Rename2(ctx context.Context, src, dst string, opts namespace.RenameOptions) error {
	f.record(ctx, "Rename2 %s %s %d", src, dst, opts)
	return f.err
}

func (f *fakeNS) Delete(ctx context.Context, src string, recursive bool) (bool, error) {
	f.record(ctx, "Delete %s %v", src, recursive)
	return f.result, f.err
}

func (f *fakeNS) SetPermission(ctx context.Context, src string, m namespace.Mode) error {
	f.record(ctx, "SetPermission %s %o", src, m)
	return f.err
}

func (f *fakeNS) SetOwner(ctx context.Context, src string, user, group *string) error {
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	f.record(ctx, "SetOwner %s %s %s", src, str(user), str(group))
	return f.err
}

func (f *fakeNS) SetTimes(ctx context.Context, src string, mtime, atime int64) error {
	f.record(ctx, "SetTimes %s %d %d", src, mtime, atime)
	return f.err
}

func (f *fakeNS) SetXAttr(ctx context.Context, src string, x namespace.XAttr, flag namespace.XAttrSetFlag) error {
	f.record(ctx, "SetXAttr %s %d.%s=%q %d", src, x.NS, x.Name, x.Value, flag)
	return f.err
}

func (f *fakeNS) AllowSnapshot(ctx context.Context, root string) error {
	f.record(ctx, "AllowSnapshot %s", root)
	return f.err
}

func (f *fakeNS) CheckRead(ctx context.Context) error { return f.err }

func (f *fakeNS) GetStoragePolicies(ctx context.Context) ([]StoragePolicy, error) {
	if f.policies != nil {
		return f.policies, f.err
	}
	return DefaultStoragePolicies(), f.err
}

func (f *fakeNS) GetErasureCodingPolicy(ctx context.Context, src string) (*ECPolicy, error) {
	f.record(ctx, "GetErasureCodingPolicy %s", src)
	return nil, f.err
}

func (f *fakeNS) GetErasureCodingPolicies(ctx context.Context) ([]ECPolicy, error) {
	return DefaultECPolicies(), f.err
}

func (f *fakeNS) GetDelegationToken(ctx context.Context, renewer string) (*Token, error) {
	f.record(ctx, "GetDelegationToken %s", renewer)
	return nil, f.err
}
