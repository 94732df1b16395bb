# Toxiproxy for machines where no registry answers: the same layout as the official image
# (ghcr.io/shopify/toxiproxy), built from the static (CGO_ENABLED=0) binaries in .tools/bin.
FROM scratch
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
ENV LOG_LEVEL=info
COPY toxiproxy-server /toxiproxy
COPY toxiproxy-cli /toxiproxy-cli
