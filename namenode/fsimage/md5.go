package fsimage

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The ".md5" sidecar of an image, in Hadoop's MD5FileUtils format: one
// line "<32 lower-case hex digits> *<file name>\n".

// md5Line is MD5FileUtils.LINE_REGEX.
var md5Line = regexp.MustCompile(`^([0-9a-f]{32}) [ *](.+)$`)

// MD5Path returns the sidecar path of an image.
func MD5Path(imagePath string) string { return imagePath + ".md5" }

// FormatMD5 returns the sidecar line for a digest of the named file.
func FormatMD5(digest [md5.Size]byte, imagePath string) string {
	return hex.EncodeToString(digest[:]) + " *" + filepath.Base(imagePath) + "\n"
}

// WriteMD5File writes imagePath's sidecar atomically (a temporary file
// renamed into place), like MD5FileUtils.saveMD5File.
func WriteMD5File(imagePath string, digest [md5.Size]byte) error {
	dst := MD5Path(imagePath)
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, []byte(FormatMD5(digest, imagePath)), 0o644); err != nil {
		return fmt.Errorf("fsimage: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("fsimage: %w", err)
	}
	return nil
}

// ReadMD5File reads imagePath's sidecar. ok is false when there is none.
// Like Hadoop it reads the first line, trims it, and insists that the line
// names a file with the image's base name.
func ReadMD5File(imagePath string) (digest [md5.Size]byte, ok bool, err error) {
	f, err := os.Open(MD5Path(imagePath))
	if errors.Is(err, os.ErrNotExist) {
		return digest, false, nil
	}
	if err != nil {
		return digest, false, fmt.Errorf("fsimage: %w", err)
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 64<<10)).ReadString('\n')
	if err != nil && err != io.EOF {
		return digest, false, fmt.Errorf("fsimage: reading %s: %w", MD5Path(imagePath), err)
	}
	line = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"))
	m := md5Line.FindStringSubmatch(line)
	if m == nil {
		return digest, false, fmt.Errorf("%w: invalid MD5 file %s: the content %q does not match the expected pattern",
			ErrCorrupt, MD5Path(imagePath), line)
	}
	if filepath.Base(m[2]) != filepath.Base(imagePath) {
		return digest, false, fmt.Errorf("%w: MD5 file %s references file named %s but we expected it to reference %s",
			ErrCorrupt, MD5Path(imagePath), filepath.Base(m[2]), imagePath)
	}
	hex.Decode(digest[:], []byte(m[1]))
	return digest, true, nil
}

// FileMD5 returns the MD5 of a whole file.
func FileMD5(path string) ([md5.Size]byte, error) {
	var sum [md5.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, fmt.Errorf("fsimage: %w", err)
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, fmt.Errorf("fsimage: reading %s: %w", path, err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// VerifyMD5 checks an image against its sidecar; an image without one
// passes.
func VerifyMD5(imagePath string) error {
	want, ok, err := ReadMD5File(imagePath)
	if err != nil || !ok {
		return err
	}
	got, err := FileMD5(imagePath)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%w: %s did not match stored MD5 checksum (stored: %x, computed: %x)",
			ErrChecksum, imagePath, want, got)
	}
	return nil
}
