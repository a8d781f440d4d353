//go:build !unix

package emulator

// processCPU is not measured here: the metric reads 0.
func processCPU() int64 { return 0 }
