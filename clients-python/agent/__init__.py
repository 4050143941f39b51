"""The Python agent of the interop suite (docs/agent-control-api.md): not part of the rpcws-client package.

Run from clients-python/:  python -m agent --port 0 [--client sync]
"""
