#!/usr/bin/env python3
# Attributes `perf script -F comm,tid,ip,sym,dso` output of a .NET process (run with DOTNET_PerfMapEnabled=1 and
# DOTNET_EnableWriteXorExecute=0 so JIT frames have names): share of samples by the library of the leaf-most known
# frame, and by the innermost Ainur method on the stack. Usage: scripts/perf-attribute.py perf.txt
import sys, re, collections
lib_rules = [
 ("crypto(libsodium)", r"libsodium"),
 ("kernel", r"\[kernel|kallsyms"),
 ("jit", r"libclrjit"),
 ("npgsql", r"\[Npgsql\]"),
 ("json", r"System\.Text\.Json"),
 ("orleans-serialization", r"\[Orleans\.Serialization\]"),
 ("orleans-runtime", r"\[Orleans\.(Runtime|Core)"),
 ("kestrel/aspnet", r"\[Microsoft\.AspNetCore"),
 ("http-client", r"\[System\.Net\.Http\]"),
 ("sockets", r"\[System\.Net\.Sockets\]"),
 ("opentelemetry/metrics", r"OpenTelemetry|System\.Diagnostics\.(Metrics|DiagnosticSource)"),
 ("logging", r"Microsoft\.Extensions\.Logging"),
 ("ainur", r"\[Ainur\."),
 ("corelib", r"\[System\.|\[Microsoft\."),
 ("coreclr(gc,stubs)", r"libcoreclr|stub |\[unknown\]|^0x"),
 ("libc", r"libc\.so"),
]
samples=[]; cur=[]
for line in open(sys.argv[1], errors="replace"):
    line=line.rstrip("\n")
    if not line.strip():
        if cur: samples.append(cur); cur=[]
        continue
    if line.startswith((" ","\t")): cur.append(line.strip())
    else: cur=[]
if cur: samples.append(cur)
leaf=collections.Counter(); owner=collections.Counter(); n=len(samples)
for s in samples:
    cat=None
    for fr in s:
        for name,pat in lib_rules:
            if re.search(pat, fr): cat=name; break
        if cat and cat!="coreclr(gc,stubs)" and cat!="libc" and cat!="kernel": break
        if cat: break
    leaf[cat or "other"]+=1
    o="(no Ainur frame)"
    for fr in s:
        m=re.search(r"\[(Ainur\.[A-Za-z.]+)\] ([A-Za-z0-9_.`+<>|]+?)(::|\()", fr)
        if m:
            o=m.group(1)+" "+re.sub(r"\+<(\w+)>d__\d+.*", r".\1", m.group(2)); break
    owner[o]+=1
print("samples", n)
for k,v in leaf.most_common(): print(f"{100*v/n:5.1f}% {k}")
print()
for k,v in owner.most_common(45): print(f"{100*v/n:5.1f}% {k}")
