"""The conformance app behind wsgiref.validate, which asserts on every PEP 3333 rule the
server must keep (environ types, input and errors streams, start_response, close())."""

from wsgiref.validate import validator

import conformance

application = validator(conformance.application)
