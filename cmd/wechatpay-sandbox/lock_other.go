//go:build !unix

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockFileName is the lock of a sandbox directory; it holds the pid of the
// sandbox serving from it.
const lockFileName = "sandbox.lock"

// lockDir creates dir if needed and takes an exclusive lock on it by
// creating dir/sandbox.lock exclusively, with the pid in it; the returned
// function removes it. Without flock(2) a lock left by a crashed sandbox
// stays: the error says which file to remove.
func lockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("-dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		holder, _ := os.ReadFile(path)
		pid := strings.TrimSpace(string(holder))
		if _, perr := strconv.Atoi(pid); perr != nil {
			pid = "unknown"
		}
		return nil, fmt.Errorf("-dir %s is in use by another wechatpay-sandbox (pid %s, lock %s): stop that process, or remove the lock if it is not running, or pass another -dir", dir, pid, path)
	}
	if err != nil {
		return nil, fmt.Errorf("-dir %s: creating its lock: %w", dir, err)
	}
	_, err = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("-dir %s: writing the pid into %s: %w", dir, path, err)
	}
	return func() { _ = os.Remove(path) }, nil
}
