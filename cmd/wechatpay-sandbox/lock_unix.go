//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lockFileName is the lock of a sandbox directory; it holds the pid of the
// sandbox serving from it.
const lockFileName = "sandbox.lock"

// lockDir creates dir if needed and takes an exclusive lock on it
// (flock(2) on dir/sandbox.lock, released when the process ends, however
// it ends), writing the pid into the lock file. A directory locked by
// another process is an error naming that process. The returned function
// releases the lock; the file stays, so that no process ever locks a file
// that another has just removed.
func lockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("-dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("-dir %s: opening its lock: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("-dir %s is in use by another wechatpay-sandbox (pid %s, lock %s): stop that process or pass another -dir", dir, holderPID(f), path)
		}
		return nil, fmt.Errorf("-dir %s: locking %s: %w", dir, path, err)
	}
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt(pid, 0)
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("-dir %s: writing the pid into %s: %w", dir, path, err)
	}
	return func() {
		// Emptied while still locked: a pid in the file is always the
		// holder's (or, after a crash, that of a process that is gone).
		_ = f.Truncate(0)
		_ = f.Close()
	}, nil
}

// holderPID reads the pid in a lock file that another process holds. The
// holder writes it right after taking the lock, so an empty file is read
// again a few times before the pid is called unknown.
func holderPID(f *os.File) string {
	for range 50 {
		b, err := io.ReadAll(io.LimitReader(io.NewSectionReader(f, 0, 32), 32))
		if pid := strings.TrimSpace(string(b)); err == nil && pid != "" {
			if _, perr := strconv.Atoi(pid); perr == nil {
				return pid
			}
			return "unknown"
		}
		time.Sleep(10 * time.Millisecond)
	}
	return "unknown"
}
