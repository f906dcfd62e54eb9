#!/usr/bin/env python3
"""Write hdfsd's .proto files from a wire-schema fact table.

The fact table (../shared/wire/hadoop-3.4.1-schema.json) lists, for every
message, enum and service of Hadoop 3.4.1's wire schema, the facts that make
bytes on the wire: names, numbers, labels, types, defaults and packing. This
script renders those facts as proto2 source, one file per Hadoop file, so the
schema is wire-identical by construction. It is run by hand when the fact
table changes; `make protos` then regenerates the Go code.

    python3 protos/from-facts.py ../shared/wire/hadoop-3.4.1-schema.json protos
"""
import json
import os
import sys

MODULE = "github.com/hdfsd/hdfsd/protos"

# proto package -> Go package (folder under protos/).
GO_PACKAGES = {
    "hadoop.common": "commonpb",
    "hadoop.fs": "fspb",
    "hadoop.hdfs": "hdfspb",
    "hadoop.hdfs.datanode": "datanodepb",
    "hadoop.hdfs.datanodelifeline": "lifelinepb",
    "hadoop.hdfs.namenode": "namenodepb",
    "hadoop.hdfs.qjournal": "qjournalpb",
    "hadoop.hdfs.fsimage": "fsimagepb",
}

# Hadoop ships two files that declare the same RequestHeaderProto; the older
# one (protobuf 2.5 era) is left out and the name is declared once.
SKIP_FILES = {"ProtobufRpcEngine.proto"}


def parent_of(name, pkg):
    """The enclosing message of a nested name, or None when top level."""
    rest = name[len(pkg) + 1:]
    parts = rest.split(".")
    if len(parts) == 1:
        return None
    return pkg + "." + ".".join(parts[:-1])


def short(name):
    return name.rsplit(".", 1)[1]


class File:
    def __init__(self, name, info, facts):
        self.name = name
        self.info = info
        self.facts = facts
        self.pkg = info["package"]
        self.map_entries = set()
        for m in info["messages"]:
            for f in facts["messages"][m]["fields"]:
                if f["type"] == "map":
                    self.map_entries.add(f["type_name"])

    def render(self):
        out = []
        w = out.append
        w("// Wire schema of Hadoop 3.4.1's %s, rendered from the fact table by" % self.name)
        w("// protos/from-facts.py. Names, numbers, labels, types and defaults are")
        w("// Hadoop's; edit the generator, not this file.")
        w("")
        w('syntax = "proto2";')
        w("")
        w("package %s;" % self.pkg)
        w("")
        w('option go_package = "%s/%s";' % (MODULE, GO_PACKAGES[self.pkg]))
        imports = self.imports()
        if imports:
            w("")
            for i in imports:
                w('import "%s";' % i)
        children = {}
        for m in self.info["messages"]:
            children.setdefault(parent_of(m, self.pkg), []).append(("message", m))
        for e in self.info["enums"]:
            children.setdefault(parent_of(e, self.pkg), []).append(("enum", e))
        for kind, name in sorted(children.get(None, []), key=lambda kn: kn[1]):
            w("")
            self.render_decl(out, kind, name, children, 0)
        for s in self.info["services"]:
            w("")
            self.render_service(out, s)
        return "\n".join(out) + "\n"

    def imports(self):
        """The files that declare a type this file refers to."""
        refs = set()
        for m in self.info["messages"]:
            for f in self.facts["messages"][m]["fields"]:
                if f["type_name"]:
                    refs.add(f["type_name"])
        for s in self.info["services"]:
            for m in self.facts["services"][s]["methods"].values():
                refs.update((m["input_type"], m["output_type"]))
        files = set()
        for r in refs:
            decl = self.facts["messages"].get(r) or self.facts["enums"].get(r)
            files.add(decl["file"])
        files.discard(self.name)
        return sorted(f if f not in SKIP_FILES else "ProtobufRpcEngine2.proto" for f in files)

    def render_decl(self, out, kind, name, children, depth):
        if kind == "enum":
            self.render_enum(out, name, depth)
        elif name not in self.map_entries:
            self.render_message(out, name, children, depth)

    def render_enum(self, out, name, depth):
        ind = "  " * depth
        e = self.facts["enums"][name]
        out.append("%senum %s {" % (ind, short(name)))
        values = sorted(e["values"].items(), key=lambda kv: (kv[0] != e["first"], kv[1], kv[0]))
        numbers = [v for _, v in values]
        if len(set(numbers)) != len(numbers):
            out.append("%s  option allow_alias = true;" % ind)
        for vname, num in values:
            out.append("%s  %s = %d;" % (ind, vname, num))
        out.append("%s}" % ind)

    def render_message(self, out, name, children, depth):
        ind = "  " * depth
        msg = self.facts["messages"][name]
        out.append("%smessage %s {" % (ind, short(name)))
        nested = sorted(children.get(name, []), key=lambda kn: kn[1])
        for kind, child in nested:
            if child in self.map_entries:
                continue
            self.render_decl(out, kind, child, children, depth + 1)
        for f in msg["fields"]:
            out.append("%s  %s" % (ind, self.render_field(f)))
        out.append("%s}" % ind)

    def field_type(self, f):
        if f["type"] in ("message", "enum"):
            return "." + f["type_name"]
        if f["type"] == "map":
            entry = self.facts["messages"][f["type_name"]]["fields"]
            key, val = entry[0], entry[1]
            return "map<%s, %s>" % (self.field_type(key), self.field_type(val))
        return f["type"]

    def render_field(self, f):
        opts = []
        if f["default_value"] is not None:
            opts.append("default = %s" % render_default(f))
        if f["packed"]:
            opts.append("packed = true")
        label = "" if f["type"] == "map" else f["label"] + " "
        suffix = " [%s]" % ", ".join(opts) if opts else ""
        return "%s%s %s = %d%s;" % (label, self.field_type(f), f["name"], f["number"], suffix)

    def render_service(self, out, name):
        svc = self.facts["services"][name]
        out.append("service %s {" % short(name))
        for mname in sorted(svc["methods"]):
            m = svc["methods"][mname]
            out.append("  rpc %s(.%s) returns (.%s);" % (mname, m["input_type"], m["output_type"]))
        out.append("}")


def render_default(f):
    v = f["default_value"]
    if f["type"] == "string":
        return json.dumps(v)
    if f["type"] == "bytes":
        raise SystemExit("bytes default not supported: %r" % f)
    return v


def main():
    facts_path, out_dir = sys.argv[1], sys.argv[2]
    with open(facts_path) as fh:
        facts = json.load(fh)
    for name, info in sorted(facts["files"].items()):
        if name in SKIP_FILES:
            continue
        if info["syntax"] != "proto2":
            raise SystemExit("%s: not proto2" % name)
        text = File(name, info, facts).render()
        with open(os.path.join(out_dir, name), "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
