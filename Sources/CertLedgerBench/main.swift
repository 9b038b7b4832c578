print("certledger-bench: no benchmarks yet")
