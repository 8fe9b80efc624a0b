from axon_worker._proto.axon.v1 import describe_pb2 as _describe_pb2
from axon_worker._proto.axon.v1 import run_pb2 as _run_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
