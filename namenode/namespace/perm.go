package namespace

import (
	"sync/atomic"
)

// Mode is a permission as FsPermission.toShort encodes it: the owner,
// group and other rwx bits and the sticky bit (01000).
type Mode uint16

// ModeMask keeps the bits FsPermission(short) keeps.
const ModeMask Mode = 01777

const stickyBit Mode = 01000

func (m Mode) user() Action  { return Action(m>>6) & 7 }
func (m Mode) group() Action { return Action(m>>3) & 7 }
func (m Mode) other() Action { return Action(m) & 7 }

// Sticky reports whether the sticky bit is set.
func (m Mode) Sticky() bool { return m&stickyBit != 0 }

// String formats m as FsPermission.toString: "rwxr-xr-x", with the last
// character t or T when the sticky bit is set.
func (m Mode) String() string {
	b := []byte(m.user().symbol() + m.group().symbol() + m.other().symbol())
	if m.Sticky() {
		if m.other().Implies(ActExecute) {
			b[8] = 't'
		} else {
			b[8] = 'T'
		}
	}
	return string(b)
}

// withImplicitUWX is the mode FSDirMkdirOp gives a missing ancestor it
// creates: m plus write and execute for the owner.
func (m Mode) withImplicitUWX() Mode { return m | 0300 }

// Action is FsAction: a set of read (4), write (2) and execute (1).
type Action uint8

// The FsAction values.
const (
	ActNone Action = iota
	ActExecute
	ActWrite
	ActWriteExecute
	ActRead
	ActReadExecute
	ActReadWrite
	ActAll
)

// actUnset marks an access check that is not requested (Java's null).
const actUnset Action = 0xff

var actionNames = [...]string{"NONE", "EXECUTE", "WRITE", "WRITE_EXECUTE",
	"READ", "READ_EXECUTE", "READ_WRITE", "ALL"}

// String is the Java enum constant's name, as in permission messages.
func (a Action) String() string {
	if a > ActAll {
		return "null"
	}
	return actionNames[a]
}

func (a Action) symbol() string {
	s := []byte("---")
	if a&ActRead != 0 {
		s[0] = 'r'
	}
	if a&ActWrite != 0 {
		s[1] = 'w'
	}
	if a&ActExecute != 0 {
		s[2] = 'x'
	}
	return string(s)
}

// Implies reports whether a includes every right in b.
func (a Action) Implies(b Action) bool { return a&b == b }

// PermissionStatus is an owner, a group and a mode, as Hadoop's class of
// that name. In records Group is always resolved (never empty for an inode
// that inherited its parent's group).
type PermissionStatus struct {
	User  string
	Group string
	Mode  Mode
}

// An inode's permission is packed in one uint64 like Hadoop's
// PermissionStatusFormat: 24 bits of user serial, 24 bits of group serial,
// 16 bits of mode. Serial numbers index the string tables below.
const (
	permUserShift  = 40
	permGroupShift = 16
	maxSerial      = 1<<24 - 1
)

func packPerm(user, group uint32, mode Mode) uint64 {
	return uint64(user)<<permUserShift | uint64(group)<<permGroupShift | uint64(mode)
}

func permUser(p uint64) uint32  { return uint32(p >> permUserShift) }
func permGroup(p uint64) uint32 { return uint32(p>>permGroupShift) & maxSerial }
func permMode(p uint64) Mode    { return Mode(p) }

// strTable interns user or group names, like Hadoop's SerialNumberManager.
// Serial 0 is the empty name. Only the writer adds names; readers load the
// published slice without a lock: appending past a reader's length never
// touches what it can see.
type strTable struct {
	ids   map[string]uint32
	names atomic.Pointer[[]string]
}

func newStrTable() *strTable {
	s := &strTable{ids: map[string]uint32{"": 0}}
	names := []string{""}
	s.names.Store(&names)
	return s
}

// serial returns name's serial number, adding it if new (writer only).
func (s *strTable) serial(name string) uint32 {
	if id, ok := s.ids[name]; ok {
		return id
	}
	names := *s.names.Load()
	id := uint32(len(names))
	if id > maxSerial {
		panic("namespace: more than 2^24 distinct user or group names")
	}
	names = append(names, name)
	s.ids[name] = id
	s.names.Store(&names)
	return id
}

func (s *strTable) name(id uint32) string { return (*s.names.Load())[id] }
