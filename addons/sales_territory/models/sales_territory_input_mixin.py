import math

from odoo import api, fields, models
from odoo.exceptions import MissingError, ValidationError
from odoo.fields import Command

MIXIN = "sales.territory.input.mixin"
# PostgreSQL's integer columns (Odoo's Integer fields and record ids).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# A btree index refuses entries above ~2,700 bytes: text of indexed Char
# fields (codes) is kept well below it, 4-byte characters included.
INDEXED_CHAR_MAX = 500
# Magnitude of a number field: a double keeps 15 significant digits, and the
# ORM's rounding of a field with digits overflows on larger numbers.
FLOAT_MAX = 10**15
# How much of a wrong value is repeated in the message.
SHOWN_CHARS = 60


class SalesTerritoryInputMixin(models.AbstractModel):
    """Values checked before they reach the database.

    Remote callers (JSON-RPC, XML-RPC, imports by script) can send anything:
    a selection value that does not exist, text where a number or a date is
    expected, a number beyond what PostgreSQL stores, the id of a record that
    does not exist. The ORM lets most of these through to Python or to the
    database, whose errors (``ValueError``, ``integer out of range``, ``index
    row size exceeds maximum``, ``invalid input syntax for type integer``, a
    foreign key "required by another model") say nothing to a user. Models
    that inherit this mixin refuse such values first with a ``ValidationError``
    (a ``MissingError`` for an unknown record) naming the field and the value.

    Models whose own ``create``/``write`` read the values before calling
    ``super()`` call :meth:`_check_input_values` first themselves.

    An extension of a model of another module (``res.partner``, ``sale.order``,
    ``res.company``...) inherits the mixin too: there, only the fields of the
    modules whose extension inherits it are checked, Odoo's own are left to
    Odoo (see :meth:`_input_checked_modules`)."""

    _name = "sales.territory.input.mixin"
    _description = "Values Checked Before Writing"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_input_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_input_values([vals])
        if self._parent_store and isinstance(vals, dict) and "parent_path" in vals:
            # Odoo keeps it from the parents (on create, and when the parent is
            # written): written by hand it would break every "child of" search
            raise ValidationError(
                self.env._(
                    "The path of a %(model)s follows its parent: change its parent "
                    "instead.",
                    model=self._description,
                )
            )
        return super().write(vals)

    @api.model
    def _check_input_values(self, vals_list):
        """Raise a ValidationError for the first value of ``vals_list`` (a list
        of ``create``/``write`` dictionaries) that the field cannot hold, and a
        MissingError for a reference to a record that does not exist."""
        references = {}
        modules = self._input_checked_modules()
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise ValidationError(
                    self.env._(
                        "The values of a %(model)s must be given as a dictionary of "
                        "field names and values, not %(value)s.",
                        model=self._description,
                        value=_shown(vals),
                    )
                )
            for name, value in vals.items():
                if name == "id":
                    # not a value to store: create() drops it; during an import
                    # it carries the External ID of a one2many line
                    continue
                field = self._fields.get(name)
                if modules is not None and (
                    field is None or field._module not in modules
                ):
                    continue  # a field of another module (or none): left to Odoo
                if field is None:
                    raise ValidationError(
                        self.env._(
                            "%(model)s has no field %(field)s.",
                            model=self._description,
                            field=_shown(name),
                        )
                    )
                if value is None or value is False:
                    continue
                checker = getattr(self, f"_check_input_{field.type}", None)
                if checker and not checker(field, value):
                    self._raise_wrong_value(field, value)
                if field.type == "many2one" and _record_id(value):
                    references.setdefault(field, set()).add(_record_id(value))
                elif field.type in ("many2many", "one2many"):
                    linked = _linked_ids(value)
                    if linked:
                        references.setdefault(field, set()).update(linked)
        for field, ids in references.items():
            comodel = self.env[field.comodel_name]
            missing = ids - set(comodel.browse(ids).exists().ids)
            if missing:
                raise MissingError(
                    self.env._(
                        "%(field)s of %(model)s refers to %(target)s #%(ids)s, "
                        "which does not exist (it may have been deleted).",
                        field=field._description_string(self.env),
                        model=self._description,
                        target=comodel._description,
                        ids=", ".join(str(i) for i in sorted(missing)),
                    )
                )

    def _input_checked_modules(self):
        """None when every field of the model is checked (a model defined with
        the mixin), else the modules whose fields are: those whose extension of
        the model inherits the mixin."""
        modules = {
            klass._module
            for klass in type(self).__mro__
            if MIXIN in vars(klass).get("_inherit", ())
        }
        return None if self._original_module in modules else modules

    def _raise_wrong_value(self, field, value):
        label = field._description_string(self.env)
        if field.type == "selection":
            choices = field._description_selection(self.env)
            raise ValidationError(
                self.env._(
                    "%(value)s is not a possible %(field)s of %(model)s; choose one "
                    "of %(choices)s.",
                    value=_shown(value),
                    field=label,
                    model=self._description,
                    choices=", ".join(f"{key} ({name})" for key, name in choices),
                )
            )
        if field.type == "char" and isinstance(value, str):
            raise ValidationError(
                self.env._(
                    "%(field)s of %(model)s is too long (%(length)s characters): "
                    "give at most %(max)s characters.",
                    field=label,
                    model=self._description,
                    length=len(value),
                    max=INDEXED_CHAR_MAX,
                )
            )
        if field.type in ("char", "text", "html"):
            expected = self.env._("text")
        elif field.type == "integer":
            expected = self.env._(
                "a whole number between %(min)s and %(max)s", min=INT_MIN, max=INT_MAX
            )
        elif field.type == "many2one":
            expected = self.env._(
                "the id of a record of %(model)s",
                model=self.env[field.comodel_name]._description,
            )
        elif field.type in ("many2many", "one2many"):
            expected = self.env._(
                "a list of ids of records of %(model)s (or of x2many commands)",
                model=self.env[field.comodel_name]._description,
            )
        elif field.type == "date":
            expected = self.env._("a date (YYYY-MM-DD)")
        elif field.type == "datetime":
            expected = self.env._("a date and time (YYYY-MM-DD HH:MM:SS)")
        elif _number(value, float) is None:
            expected = self.env._("a number")
        else:
            expected = self.env._(
                "a number between -%(max)s and %(max)s", max=FLOAT_MAX - 1
            )
        raise ValidationError(
            self.env._(
                "%(field)s of %(model)s must be %(expected)s, not %(value)s.",
                field=label,
                model=self._description,
                expected=expected,
                value=_shown(value),
            )
        )

    # one checker per field type: True when the value can be stored
    def _check_input_selection(self, field, value):
        return value in field.get_values(self.env)

    def _check_input_char(self, field, value):
        if not self._check_input_text(field, value):
            return False
        btree = field.index in (True, "btree", "btree_not_null")
        return not (btree and isinstance(value, str) and len(value) > INDEXED_CHAR_MAX)

    def _check_input_text(self, field, value):
        # text, or a number that the ORM writes as text (a code given as 42)
        return isinstance(value, str | int | float) and not isinstance(value, bool)

    _check_input_html = _check_input_text

    def _check_input_integer(self, field, value):
        if isinstance(value, float) and not value.is_integer():
            return False
        number = _number(value, int)
        return number is not None and INT_MIN <= number <= INT_MAX

    def _check_input_float(self, field, value):
        number = _number(value, float)
        return number is not None and abs(number) < FLOAT_MAX

    _check_input_monetary = _check_input_float

    def _check_input_date(self, field, value):
        return _parses(fields.Date.to_date, value)

    def _check_input_datetime(self, field, value):
        return _parses(fields.Datetime.to_datetime, value)

    def _check_input_many2one(self, field, value):
        if isinstance(value, models.BaseModel):
            return value._name == field.comodel_name
        if isinstance(value, models.NewId):
            return True
        return _record_id(value) is not None

    def _check_input_many2many(self, field, value):
        if isinstance(value, models.BaseModel):
            return value._name == field.comodel_name
        return _linked_ids(value) is not None

    _check_input_one2many = _check_input_many2many


def _record_id(value):
    """The id that a many2one value names (an id, or an (id, name) pair as the
    ORM reads it), or None when it names none."""
    if isinstance(value, tuple) and value:
        value = value[0]
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT_MAX:
        return value
    return None


def _linked_ids(value):
    """The ids of existing records that an x2many value links (a list of ids,
    or of commands), or None when it is no such value."""
    if not isinstance(value, list | tuple):
        return None
    if not any(isinstance(item, list | tuple) for item in value):
        ids = [_record_id(item) for item in value]  # a list of ids
        return None if None in ids else set(ids)
    ids = set()
    for command in value:
        if not isinstance(command, list | tuple) or not command:
            return None
        code, args = command[0], list(command[1:])
        if code in (Command.CREATE, Command.UPDATE) and (
            len(args) != 2 or not isinstance(args[1], dict)
        ):
            return None
        if code in (Command.UPDATE, Command.DELETE, Command.UNLINK, Command.LINK):
            record_id = _record_id(args[0]) if args else None
            if record_id is None:
                return None
            if code in (Command.UPDATE, Command.LINK):
                ids.add(record_id)
        elif code == Command.SET:
            if len(args) != 2 or not isinstance(args[1], list | tuple):
                return None
            linked = [_record_id(item) for item in args[1]]
            if None in linked:
                return None
            ids.update(linked)
        elif code not in (Command.CREATE, Command.CLEAR):
            return None
    return ids


def _number(value, kind):
    """``value`` as an int or a float, or None when it is no number."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return kind(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return kind(float(value)) if kind is int else kind(value)
        except (ValueError, OverflowError):
            return None
    return None


def _parses(to_value, value):
    if not isinstance(value, str):
        return hasattr(value, "year")  # date or datetime
    try:
        return bool(to_value(value))
    except (ValueError, TypeError):
        return False


def _shown(value):
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
