//! Lowering schemas to type references, with named and inline structs and
//! enums; a component keeps one name across the spec files of a domain.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use super::*;
use crate::naming;

impl<'a> DomainLowering<'a, '_> {
    /// Lowers a schema to a type reference, lowering named and inline
    /// structs and enums on the way.
    pub(super) fn schema(
        &mut self,
        spec: &'a Spec,
        item: SchemaRef<'a>,
        at: &Pointer,
        owner: Owner<'_>,
    ) -> Lowered<TypeRef> {
        if self.depth >= MAX_DEPTH {
            return Err(Problem::Fatal(
                spec.error(at, format!("schemas nest deeper than {MAX_DEPTH} levels")),
            ));
        }
        self.depth += 1;
        let lowered = self.schema_at_depth(spec, item, at, owner);
        self.depth -= 1;
        lowered
    }

    fn schema_at_depth(
        &mut self,
        spec: &'a Spec,
        item: SchemaRef<'a>,
        at: &Pointer,
        owner: Owner<'_>,
    ) -> Lowered<TypeRef> {
        let (schema, component, schema_at) = spec.schema(item, at)?;
        // Combinators carry any JSON value: correct, if loosely typed, and
        // said in the report of what was ignored.
        let combinator = match &schema.schema_kind {
            SchemaKind::OneOf { .. } => Some("oneOf"),
            SchemaKind::AllOf { .. } => Some("allOf"),
            SchemaKind::AnyOf { .. } => Some("anyOf"),
            SchemaKind::Not { .. } => Some("not"),
            SchemaKind::Any(any) if !any.one_of.is_empty() => Some("oneOf"),
            SchemaKind::Any(any) if !any.any_of.is_empty() => Some("anyOf"),
            SchemaKind::Any(any) if !any.all_of.is_empty() => Some("allOf"),
            _ => None,
        };
        if let Some(which) = combinator {
            self.warnings.push(skipped(
                spec,
                &schema_at,
                format!("`{which}` is not typed: values here are any JSON (`rt::Json`), checked by nothing"),
            ));
            return Ok(TypeRef::Json);
        }
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let mut values: Vec<&str> = Vec::new();
                for value in string.enumeration.iter().flatten() {
                    if !values.contains(&value.as_str()) {
                        values.push(value);
                    }
                }
                if !values.is_empty() || !string.enumeration.is_empty() {
                    let name = self.type_name(spec, component, &owner, &schema_at, Some(&values))?;
                    // What the values are of: the name of the field or parameter.
                    self.concepts
                        .entry(name.clone())
                        .or_default()
                        .insert(unraw(&snake(owner.field)).to_owned());
                    match self.types.get(&name) {
                        None => {
                            let spec_name = component.unwrap_or(owner.site);
                            let def = self.enumeration(&name, spec_name, &values, schema);
                            self.types.insert(name.clone(), def);
                        }
                        // One enum used at several sites takes every value any of them lists.
                        Some(TypeDef::Enum(_)) => self.add_values(&name, &values),
                        Some(TypeDef::Struct(_)) => {}
                    }
                    return Ok(TypeRef::Named(name));
                }
                if let Some(pattern) = string.pattern.as_deref() {
                    self.check_pattern(spec, pattern, &schema_at.join("pattern"))?;
                }
                if let Some(prefix) = string.pattern.as_deref().and_then(sid_prefix) {
                    let noun = sid_noun(&owner);
                    self.sid_uses.record(prefix, &noun);
                    return Ok(TypeRef::Sid(prefix.to_owned()));
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => TypeRef::DateTime,
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => TypeRef::Date,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uri" => TypeRef::Url,
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(int)) => match int.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => TypeRef::Array(Box::new(self.schema(
                    spec,
                    items.into(),
                    &schema_at.join("items"),
                    owner,
                )?)),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => self.object(
                spec,
                schema,
                component,
                (&object.properties, &object.required),
                &schema_at,
                owner,
            )?,
            // openapiv3 leaves typed schemas with unusual keywords (an integer
            // with fractional bounds, say) as `Any`; their `type` still holds.
            SchemaKind::Any(any) if any.typ.as_deref() == Some("integer") => TypeRef::I64,
            SchemaKind::Any(any) if any.typ.as_deref() == Some("number") => TypeRef::F64,
            SchemaKind::Any(any) if any.typ.as_deref() == Some("boolean") => TypeRef::Bool,
            SchemaKind::Any(any) if any.typ.as_deref() == Some("string") => TypeRef::String,
            SchemaKind::Any(any)
                if any.typ.as_deref() == Some("object") && any.format.as_deref() == Some("uri-map") =>
            {
                TypeRef::UrlMap
            }
            SchemaKind::Any(any)
                if matches!(any.typ.as_deref(), None | Some("object")) && !any.properties.is_empty() =>
            {
                self.object(spec, schema, component, (&any.properties, &any.required), &schema_at, owner)?
            }
            // Untyped schemas carry any JSON value (combinators are above).
            SchemaKind::OneOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => TypeRef::Json,
        };
        Ok(ty)
    }

    /// An object schema: a named struct when it has properties, any JSON
    /// value when it is free-form.
    fn object(
        &mut self,
        spec: &'a Spec,
        schema: &'a Schema,
        component: Option<&str>,
        shape: (&'a Properties, &'a [String]),
        at: &Pointer,
        owner: Owner<'_>,
    ) -> Lowered<TypeRef> {
        if shape.0.is_empty() {
            return Ok(TypeRef::Json);
        }
        let name = self.type_name(spec, component, &owner, at, None)?;
        if !self.types.contains_key(&name) && !self.in_progress.contains(&name) {
            self.in_progress.insert(name.clone());
            let def = self.structure(spec, schema, shape, at, &name);
            self.in_progress.remove(&name);
            self.types.insert(name.clone(), def?);
        }
        Ok(TypeRef::Named(name))
    }

    /// The Rust name of a struct or enum, by the naming rules (5 and 9): the
    /// name the lock gives its site, else the one it gives its component,
    /// else the component's own name (or, inline, one made from the owner),
    /// else a qualified one. An enum whose name is already an enum's is that
    /// enum: the same name locked to both sites (they were one type), or a
    /// fresh name for the same values. A component keeps its name across the
    /// spec files of a domain only if it is the same everywhere.
    fn type_name(
        &mut self,
        spec: &'a Spec,
        component: Option<&str>,
        owner: &Owner<'_>,
        at: &Pointer,
        values: Option<&[&str]>,
    ) -> Result<String, Error> {
        let site = format!("type {}", owner.site);
        let index = self.specs.iter().position(|s| std::ptr::eq(s, spec)).unwrap_or(0);
        if let Some(component) = component {
            self.places.entry(component.to_owned()).or_default().push(site.clone());
            if let Some((first, name)) = self.components.get(component) {
                let same = *first == index
                    || component_schema(&self.specs[*first], component) == component_schema(spec, component);
                if !same {
                    return Err(spec.error(
                        at,
                        format!("schema {component:?} differs from the one in {}", self.specs[*first].file),
                    ));
                }
                let name = name.clone();
                self.keep_place_name(&site, &name, component);
                return Ok(name);
            }
        }
        let (keys, fresh): (Vec<String>, Vec<String>) = match component {
            None => {
                let own = pascal(&join_overlapping(&snake(owner.noun), &snake(owner.field)));
                let qualified = pascal(&format!("{} {}", owner.site, owner.field));
                (vec![site.clone()], vec![own, qualified])
            }
            Some(component) => {
                let own = match component.split_once("_enum_") {
                    Some((resource, field)) => {
                        let resource = resource.rsplit('.').next().unwrap_or(resource);
                        pascal(&join_overlapping(&snake(resource), &snake(field)))
                    }
                    None => pascal(component.rsplit('.').next().unwrap_or(component)),
                };
                // A shared schema keeps the name its own entry locks, else
                // the name most of its places lock (rule 16).
                let schema = format!("type schema {component}");
                let mut keys = vec![schema];
                keys.extend(self.places_by_name(component, &site));
                (keys, vec![own.clone(), pascal(component), format!("{own}Schema")])
            }
        };
        let name = self
            .shared_enum(&keys, &fresh, values, component)
            .unwrap_or_else(|| self.pick_type(&keys, fresh));
        if let Some(component) = component {
            self.components.insert(component.to_owned(), (index, name.clone()));
            self.keep_place_name(&site, &name, component);
        }
        Ok(name)
    }

    /// The same enum met again: under a name the lock gives one of `keys`
    /// (the places were one type), or under a fresh name with the same
    /// values; never another schema's enum. Claims it for every key.
    fn shared_enum(
        &mut self,
        keys: &[String],
        fresh: &[String],
        values: Option<&[&str]>,
        component: Option<&str>,
    ) -> Option<String> {
        let values = values?;
        let locked: Vec<String> = keys.iter().filter_map(|k| self.locked(k)).cloned().collect();
        for name in locked.iter().chain(fresh) {
            if self.type_name_free(name, keys) {
                return None;
            }
            let other_schema =
                self.components.iter().any(|(c, (_, n))| n == name && Some(c.as_str()) != component);
            let Some(TypeDef::Enum(existing)) = self.types.get(name).filter(|_| !other_schema) else {
                continue;
            };
            let same = existing.variants.iter().map(|v| v.value.as_str()).eq(values.iter().copied());
            if locked.contains(name) || same {
                for key in keys {
                    self.claims.insert(format!("{} {key}", self.module), name.clone());
                }
                return Some(name.clone());
            }
        }
        None
    }

    /// The lock keys of every place of `component` (this one, `site`,
    /// among them): those whose locked name most of them share first, then
    /// in key order.
    fn places_by_name(&self, component: &str, site: &str) -> Vec<String> {
        let mut places: Vec<String> = self.planned.get(component).cloned().unwrap_or_default();
        if !places.iter().any(|p| p == site) {
            places.push(site.to_owned());
        }
        places.sort();
        places.dedup();
        let count = |key: &String| {
            let name = self.locked(key);
            places.iter().filter(|other| name.is_some() && self.locked(other) == name).count()
        };
        let mut ranked: Vec<(usize, String)> = places.iter().map(|p| (count(p), p.clone())).collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        ranked.into_iter().map(|(_, key)| key).collect()
    }

    /// Rule 16: a place that shares `component`, now the type `name`, keeps
    /// the name the lock gave it. Another name than the type's becomes an
    /// alias of it (`pub type ServiceBindingType = BindingType;`), so code
    /// that names it still compiles; a name another type holds stays that
    /// type's (the place now uses another type, which the report says).
    fn keep_place_name(&mut self, site: &str, name: &str, component: &str) {
        let key = format!("{} {site}", self.module);
        let own = match self.lock.get(&key) {
            Some(own) if own != name => own.clone(),
            _ => {
                self.claims.insert(key, name.to_owned());
                return;
            }
        };
        if !self.aliases.contains_key(&own) && !self.types.contains_key(&own) && self.ns.is_free(&own) {
            self.ns.claim(&own);
            self.aliases.insert(own.clone(), Alias { target: name.to_owned(), schema: component.to_owned() });
        }
        self.claims.insert(key, own);
    }

    /// A `pattern` that is no regular expression is an error where it looks
    /// like a SID's (`^BS…`), whose checks it would otherwise lose, and a
    /// warning elsewhere: the pattern is then not checked.
    fn check_pattern(&mut self, spec: &Spec, pattern: &str, at: &Pointer) -> Result<(), Error> {
        let Err(error) = regex_syntax::Parser::new().parse(pattern) else { return Ok(()) };
        let problem = error.to_string().lines().last().unwrap_or_default().trim().to_owned();
        let sid_shaped = pattern
            .strip_prefix('^')
            .is_some_and(|p| p.len() > 2 && p.as_bytes()[..2].iter().all(u8::is_ascii_uppercase));
        if sid_shaped {
            return Err(
                spec.error(at, format!("pattern {pattern:?} is not a regular expression ({problem})"))
            );
        }
        self.warnings.push(skipped(
            spec,
            at,
            format!("pattern {pattern:?} is not a regular expression ({problem}); values are not checked against it"),
        ));
        Ok(())
    }

    /// A variant for `value` of the enum `name`, its name claimed in `names`.
    fn variant(&mut self, name: &str, names: &mut Namespace, value: &str) -> Variant {
        let base = if value.is_empty() { "Empty".to_owned() } else { pascal(value) };
        // `Unknown` holds the values this crate does not know.
        let candidates = if base == "Unknown" {
            vec!["UnknownValue".to_owned(), format!("UnknownValue{}", naming::spelling(value))]
        } else {
            vec![base.clone(), format!("{base}{}", naming::spelling(value))]
        };
        let key = format!("{} variant {name} {value}", self.module);
        let rust_name = pick(self.lock, &mut self.claims, names, key, candidates);
        Variant { value: value.to_owned(), rust_name }
    }

    /// Adds to the enum `name` the `values` it does not have yet.
    fn add_values(&mut self, name: &str, values: &[&str]) {
        let Some(TypeDef::Enum(def)) = self.types.get(name) else { return };
        let missing: Vec<&str> =
            values.iter().copied().filter(|v| !def.variants.iter().any(|k| k.value == *v)).collect();
        if missing.is_empty() {
            return;
        }
        let taken: Vec<String> = def.variants.iter().map(|v| v.rust_name.clone()).collect();
        let mut names = Namespace::with_reserved(taken.iter().map(String::as_str).chain(["Unknown"]));
        let added: Vec<Variant> = missing.into_iter().map(|v| self.variant(name, &mut names, v)).collect();
        if let Some(TypeDef::Enum(def)) = self.types.get_mut(name) {
            def.variants.extend(added);
        }
    }

    fn enumeration(&mut self, name: &str, spec_name: &str, values: &[&str], schema: &Schema) -> TypeDef {
        let mut names = Namespace::with_reserved(["Unknown"]);
        let variants = values.iter().map(|value| self.variant(name, &mut names, value)).collect();
        TypeDef::Enum(EnumDef {
            name: schema.schema_data.title.clone().unwrap_or_else(|| spec_name.to_owned()),
            doc: docs::first_of([schema.schema_data.description.as_deref()]),
            variants,
            from: Vec::new(),
        })
    }

    fn structure(
        &mut self,
        spec: &'a Spec,
        schema: &'a Schema,
        (properties, required): (&'a Properties, &'a [String]),
        at: &Pointer,
        name: &str,
    ) -> Lowered<TypeDef> {
        let noun = name.to_owned();
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for (field_name, property) in properties {
            let field_at = at.join("properties").join(field_name);
            let (resolved, _, _) = spec.schema(property, &field_at)?;
            let site = format!("field {noun} {field_name}");
            let owner = Owner { noun: &noun, field: field_name, site: &site };
            // Twilio's URLs arrive as text that not every URL parser accepts;
            // as strings, one odd URL never fails a whole response.
            let lowered = self.schema(spec, property.into(), &field_at, owner)?;
            let urls = holds_urls(&lowered);
            let nullable_items = match &resolved.schema_kind {
                SchemaKind::Type(Type::Array(array)) => array
                    .items
                    .as_ref()
                    .and_then(|items| spec.schema(items, &field_at.join("items")).ok())
                    .is_some_and(|(items, _, _)| items.schema_data.nullable),
                _ => false,
            };
            let ty = match lowered {
                TypeRef::Url => TypeRef::String,
                other => other,
            };
            let boxed = matches!(&ty, TypeRef::Named(n) if self.in_progress.contains(n));
            let (pii, pii_kept) = self
                .personal(&format!("field {noun} {field_name}"), is_pii(&resolved.schema_data.extensions));
            // What a request body needs, set on its fields if it is one.
            self.body_fields.insert(
                (noun.clone(), field_name.clone()),
                (required.contains(field_name), resolved.schema_data.nullable),
            );
            fields.push(Field {
                name: field_name.clone(),
                rust_name: pick(
                    self.lock,
                    &mut self.claims,
                    &mut names,
                    format!("{} field {noun} {field_name}", self.module),
                    [snake(field_name)],
                ),
                ty,
                optional: resolved.schema_data.nullable || !required.contains(field_name),
                boxed,
                doc: docs::first_of([resolved.schema_data.description.as_deref()]),
                pii,
                pii_kept,
                urls,
                nullable_items,
                required: false,
                nullable: false,
            });
        }
        Ok(TypeDef::Struct(StructDef {
            input: false,
            name: schema.schema_data.title.clone().unwrap_or_else(|| name.to_owned()),
            doc: docs::first_of([schema.schema_data.description.as_deref()]),
            fields,
        }))
    }
}

/// Whether a field's type holds URLs.
fn holds_urls(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Url | TypeRef::UrlMap => true,
        TypeRef::Array(inner) => holds_urls(inner),
        _ => false,
    }
}

fn component_schema<'s>(spec: &'s Spec, name: &str) -> Option<&'s ReferenceOr<Schema>> {
    spec.doc.components.as_ref().and_then(|c| c.schemas.get(name))
}
