// The translation unit that carries the engine tests' shared precompiled LibTorch header
// (tests/CMakeLists.txt: airbench_torch_test_pch); it has no code of its own.
