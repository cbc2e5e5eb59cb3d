"""SQL of the customers' risk segment as the follow-up run reads it, shared by the reports and the answers."""

from odoo.tools import SQL


def dunning_segment_default_sql():
    """SQL table (company_id, segment): the default risk segment of each company (``ir.default``).

    The company's own default first, then the global one; joined once rather than looked up per row.
    """
    return SQL(
        """
        SELECT company.id AS company_id,
               (SELECT def.json_value::jsonb #>> '{}'
                  FROM ir_default def
                  JOIN ir_model_fields def_field ON def_field.id = def.field_id
                 WHERE def_field.model = 'res.partner'
                   AND def_field.name = 'dunning_segment'
                   AND def.user_id IS NULL
                   AND def.condition IS NULL
                   AND (def.company_id = company.id OR def.company_id IS NULL)
              ORDER BY def.company_id NULLS LAST
                 LIMIT 1) AS segment
          FROM res_company company
        """
    )


def dunning_segment_sql(partner_alias, company_column, default_alias):
    """SQL of a customer's risk segment in a company, as the follow-up run reads it.

    The company-dependent jsonb value of the company, else the field's default in that company (the
    ``default_alias`` row of :func:`dunning_segment_default_sql`), else ``new`` (a customer without a segment
    follows the new customers' scenario).
    """
    return SQL(
        "COALESCE(%s.dunning_segment ->> %s::text, %s.segment, 'new')",
        SQL.identifier(partner_alias),
        company_column,
        SQL.identifier(default_alias),
    )
