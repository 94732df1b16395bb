# ejabberd for machines where no registry answers (elsewhere: ghcr.io/processone/ejabberd,
# versions.ts). No base image: only the files of the installed ejabberd package and of its dependency
# closure (dpkg's data: all of /usr/lib/erlang and the erlang-p1-* libraries), the shared libraries
# `ldd` lists for the emulator, its port programs and the NIFs (same paths), a minimal /etc/passwd,
# /etc/group and /etc/nsswitch.conf, an empty /tmp and /data. harness/toolchain/xmpp-image.ts
# assembles rootfs/ in a temporary folder (debian-package-files.ts says what the closure leaves out).
#
# erl and ejabberdctl are shell scripts and the image has no shell: erlexec runs with the variables
# erl would set (/usr/lib/erlang/erts is a link to the package's erts-<version>), and
# xmpp-container.ts gives it the arguments ejabberdctl's `foreground` would (node name, Mnesia
# directory, -s ejabberd), and the configuration from fixtures/targets/ejabberd/ per run.
FROM scratch
COPY rootfs/ /
ARG VERSION
ARG ERL_LIBS
LABEL org.opencontainers.image.title="ejabberd (offline, from the Debian package)" org.opencontainers.image.version="${VERSION}"
ENV HOME=/data ROOTDIR=/usr/lib/erlang BINDIR=/usr/lib/erlang/erts/bin EMU=beam PROGNAME=erl ERL_LIBS=${ERL_LIBS}
WORKDIR /data/store
EXPOSE 5280 5281
ENTRYPOINT ["/usr/lib/erlang/erts/bin/erlexec"]
