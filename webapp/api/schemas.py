"""Schemas shared by API resources."""

from marshmallow import Schema, fields, validate

from webapp.core.pagination import MAX_PER_PAGE


class PaginationSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class PageQuerySchema(Schema):
    # marshmallow 4 validators must raise: a lambda returning False let per_page=1000000 through
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ErrorSchema(Schema):
    error = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict()
