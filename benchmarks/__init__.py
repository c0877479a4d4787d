"""Side-by-side benchmarks: this project, a naive instructor script and LangExtract, all on
the same model behind the same local llama.cpp server (``make bench``; see BENCHMARKS.md).

Layout: ``server`` starts llama.cpp's native server (xllamacpp) with N parallel slots;
``meter`` is a loopback proxy in front of it that times every model call; ``measure`` runs a
system as a child process for its wall time and peak RSS; ``systems/`` holds the two
competitors; ``report`` writes BENCHMARKS.md; ``run`` puts it all together.
"""
