package namespace

// Quotas by storage type (HDFS-7584). A directory may limit the bytes
// each storage type holds below it. A file's bytes count against a type
// once per replica that its storage policy places on that type, and only
// when a policy is in effect for the file: a file under no policy uses no
// type space at all, even where a DISK quota is set.

// numTypes bounds StorageType wire values (1..6), so that counts index
// by the type itself.
const numTypes = int(StorageNVDIMM) + 1

// typeCounts holds one number per storage type, indexed by StorageType.
type typeCounts [numTypes]int64

// quotaTypes are the types that take a quota, in Hadoop's enum order
// (StorageType.getTypesSupportingQuota): every type but the transient
// RAM_DISK.
var quotaTypes = [...]StorageType{StorageSSD, StorageDisk, StorageArchive, StorageProvided, StorageNVDIMM}

// QuotaTypes returns the storage types that take a quota, in Hadoop's
// order (the order of StorageTypeQuotaInfosProto).
func QuotaTypes() []StorageType { return quotaTypes[:] }

// SupportsQuota is StorageType.supportTypeQuota.
func (s StorageType) SupportsQuota() bool {
	return s >= StorageDisk && s <= StorageNVDIMM && s != StorageRAMDisk
}

// chooseTypes is BlockStoragePolicy.chooseStorageTypes(replication): the
// policy's non-transient types in order, one per replica, the last one
// repeated for the remaining replicas unless it is transient.
func chooseTypes(p *StoragePolicy, repl int16) []StorageType {
	var out []StorageType
	i := 0
	for _, st := range p.StorageTypes {
		if i >= int(repl) {
			break
		}
		if st != StorageRAMDisk {
			out = append(out, st)
			i++
		}
	}
	if last := p.StorageTypes[len(p.StorageTypes)-1]; last != StorageRAMDisk {
		for ; i < int(repl); i++ {
			out = append(out, last)
		}
	}
	return out
}

// typeSpace is the per-type space of bytes (not replicated) of a file
// with replication repl under policy (FSDirectory.getStorageTypeDeltas).
func typeSpace(policy uint8, bytes int64, repl int16) typeCounts {
	var ts typeCounts
	if policy == PolicyUnspecified || bytes == 0 {
		return ts
	}
	p := PolicyByID(policy)
	if p == nil {
		return ts
	}
	for _, st := range chooseTypes(p, repl) {
		if st.SupportsQuota() {
			ts[st] += bytes
		}
	}
	return ts
}

// TypeQuota is one storage type's quota of a directory.
type TypeQuota struct {
	Type  StorageType
	Quota int64
}

// typeQuotas lists the type quotas that are set, in Hadoop's order, or
// nil.
func (q *quotaRec) typeQuotas() []TypeQuota {
	var out []TypeQuota
	for _, st := range quotaTypes {
		if q.ts[st] >= 0 {
			out = append(out, TypeQuota{st, q.ts[st]})
		}
	}
	return out
}

// setTypeQuotas sets the quotas of an image's directory, skipping what
// the image loader skips: unset values and types that take no quota.
func setTypeQuotas(q *quotaRec, tqs []TypeQuota) {
	for _, tq := range tqs {
		if tq.Quota >= 0 && tq.Type.SupportsQuota() {
			q.ts[tq.Type] = tq.Quota
		}
	}
}

// init initialises a quota record: the two limits, no type limit,
// no usage.
func (q *quotaRec) init(ns, ss int64) {
	q.ns, q.ss = ns, ss
	for i := range q.ts {
		q.ts[i] = quotaReset
	}
	q.store(counts{})
}

// used is the cached usage.
func (q *quotaRec) used() counts {
	c := counts{ns: q.nsUsed.Load(), ss: q.ssUsed.Load()}
	for i := range q.tsUsed {
		c.ts[i] = q.tsUsed[i].Load()
	}
	return c
}

func (q *quotaRec) store(c counts) {
	q.nsUsed.Store(c.ns)
	q.ssUsed.Store(c.ss)
	for i := range q.tsUsed {
		q.tsUsed[i].Store(c.ts[i])
	}
}

func (q *quotaRec) addUsed(d counts) {
	q.nsUsed.Add(d.ns)
	q.ssUsed.Add(d.ss)
	for i, v := range d.ts {
		if v != 0 {
			q.tsUsed[i].Add(v)
		}
	}
}

// anyType reports whether a storage-type quota is set.
func (q *quotaRec) anyType() bool {
	for _, st := range quotaTypes {
		if q.ts[st] >= 0 {
			return true
		}
	}
	return false
}

// isSet is DirectoryWithQuotaFeature.isQuotaSet: any limit at all.
func (q *quotaRec) isSet() bool { return q.ns >= 0 || q.ss >= 0 || q.anyType() }

// verifyTypes is DirectoryWithQuotaFeature.verifyQuotaByStorageType for
// the directory at path, the usage taken as less gone.
func (q *quotaRec) verifyTypes(path string, delta, gone typeCounts) error {
	for _, st := range quotaTypes {
		if q.ts[st] < 0 {
			continue
		}
		used := q.tsUsed[st].Load() - gone[st]
		if violated(q.ts[st], used, delta[st]) {
			return typeQuotaExceeded(path, st, q.ts[st], used+delta[st])
		}
	}
	return nil
}

func typeQuotaExceeded(path string, st StorageType, quota, count int64) error {
	return fail(ErrQuotaByStorageTypeExceeded, "Quota by storage type : %s on path : %s is exceeded."+
		" quota = %s but space consumed = %s", st, path, long2String(quota, "B", 2), long2String(count, "B", 2))
}
