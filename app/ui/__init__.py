"""Qt widgets. They render pipeline events and call services given to them; they never parse files or call
llama_cpp themselves."""
