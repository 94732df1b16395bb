# Prosody for machines where no registry answers (elsewhere: prosodyim/prosody, versions.ts). No base
# image: only the files of the installed prosody package and of its dependency closure (dpkg's data),
# the shared libraries `ldd` lists for their binaries and Lua modules (same paths), a minimal
# /etc/passwd, /etc/group and /etc/nsswitch.conf, an empty /tmp and /data. harness/toolchain/xmpp-image.ts
# assembles rootfs/ in a temporary folder (debian-package-files.ts says what the closure leaves out).
#
# The launcher's `#!/usr/bin/env lua5.4` is not used (no env in the image): lua5.4 runs it. The
# configuration in /data comes from fixtures/targets/prosody/ per run (xmpp-container.ts copies it
# in); it says run_as_root = true, and the image has no other user to run as.
FROM scratch
COPY rootfs/ /
ARG VERSION
LABEL org.opencontainers.image.title="prosody (offline, from the Debian package)" org.opencontainers.image.version="${VERSION}"
WORKDIR /data
EXPOSE 5280 5281
ENTRYPOINT ["/usr/bin/lua5.4", "/usr/bin/prosody"]
CMD ["--config", "/data/prosody.cfg.lua", "-F"]
