package storage

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
)

// ImageSaver writes an fsimage to w. The fsimage codec supplies it; this
// package owns the files it lands in.
type ImageSaver func(w io.Writer) error

// SaveImage writes fsimage_<txid> and fsimage_<txid>.md5 into every
// healthy image directory, as FSImage.saveFSImageInAllDirs does: the bytes
// go to fsimage.ckpt_<txid> and are synced, the digest file (naming the
// final image) is written atomically, then the checkpoint is renamed into
// place and the directory synced. A directory that fails leaves the set;
// the error says when none is left.
func SaveImage(fsys FS, dirs *Dirs, txid int64, save ImageSaver) error {
	if txid < 0 {
		return fmt.Errorf("%w: bad image txid %d", ErrInvalid, txid)
	}
	return dirs.Each(RoleImage, func(d Dir) error { return saveImageIn(fsys, d, txid, save) })
}

func saveImageIn(fsys FS, d Dir, txid int64, save ImageSaver) error {
	ckpt, final := d.File(CheckpointName(txid)), d.File(ImageName(txid))
	digest, err := writeImage(fsys, ckpt, save)
	if err != nil {
		fsys.Remove(ckpt)
		return fmt.Errorf("storage: saving %s: %w", ckpt, err)
	}
	if err := WriteFileAtomic(fsys, d.File(MD5Name(ImageName(txid))), MD5Line(digest, ImageName(txid))); err != nil {
		return err
	}
	if err := fsys.Rename(ckpt, final); err != nil {
		return fmt.Errorf("storage: renaming %s to %s: %w", ckpt, final, err)
	}
	if err := fsys.SyncDir(d.Current()); err != nil {
		return fmt.Errorf("storage: saving %s: %w", final, err)
	}
	return nil
}

func writeImage(fsys FS, name string, save ImageSaver) ([md5.Size]byte, error) {
	var digest [md5.Size]byte
	f, err := fsys.Create(name)
	if err != nil {
		return digest, err
	}
	h := md5.New()
	if err := save(io.MultiWriter(f, h)); err != nil {
		f.Close()
		return digest, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return digest, err
	}
	copy(digest[:], h.Sum(nil))
	return digest, f.Close()
}

// MD5Line is the content of an image's .md5 file (MD5FileUtils):
// "<32 lower-case hex digits> *<image file name>\n".
func MD5Line(digest [md5.Size]byte, image string) []byte {
	return []byte(hex.EncodeToString(digest[:]) + " *" + image + "\n")
}

var md5LineRE = regexp.MustCompile(`^([0-9a-f]{32}) [ *](.+)$`)

// ReadMD5 reads the digest stored for the image d.File(image). ok is false
// when there is no .md5 file (Hadoop then refuses to load the image).
func ReadMD5(fsys FS, d Dir, image string) (digest [md5.Size]byte, ok bool, err error) {
	name := d.File(MD5Name(image))
	data, err := ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return digest, false, nil
	}
	if err != nil {
		return digest, false, fmt.Errorf("storage: reading %s: %w", name, err)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	m := md5LineRE.FindSubmatch(bytes.TrimSpace(line))
	if m == nil {
		return digest, false, fmt.Errorf("%w: %s: invalid MD5 file contents %q", ErrInvalid, name, line)
	}
	if string(m[2]) != image {
		return digest, false, fmt.Errorf("%w: %s names %q, not %q", ErrInvalid, name, m[2], image)
	}
	hex.Decode(digest[:], m[1])
	return digest, true, nil
}
