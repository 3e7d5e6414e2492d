//! Lowering one operation: its parameters (path, query, header, form or JSON
//! body) and what its success response holds, Twilio pages included.

use std::collections::BTreeMap;

use openapiv3::{
    Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StatusCode, Type,
};

use super::*;

impl<'a> DomainLowering<'a, '_> {
    /// Lowers one operation. Returns it with its declared path parameters in
    /// path order, which the navigation tree later reconciles.
    pub(super) fn operation(
        &mut self,
        spec: &'a Spec,
        path: &PathInput<'a>,
        http_method: HttpMethod,
        op: &'a OaOperation,
        at: &Pointer,
    ) -> Lowered<(Operation, Vec<Param>)> {
        let operation_id = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => {
                let name = path.segments.iter().rev().find_map(Segment::literal).unwrap_or("root");
                pascal(&format!("{http_method:?} {name}"))
            }
        };
        let noun = path
            .segments
            .iter()
            .rev()
            .find_map(Segment::literal)
            .map(|l| pascal(&singular(&snake(l))))
            .unwrap_or_else(|| "Item".to_owned());

        // Parameters: the operation's override the path item's of the same name and place.
        let mut declared: BTreeMap<(String, &'static str), (&Parameter, Pointer)> = BTreeMap::new();
        let all = path
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, path.at.join("parameters").join(i)))
            .chain(op.parameters.iter().enumerate().map(|(i, p)| (p, at.join("parameters").join(i))));
        for (param, param_at) in all {
            let (param, param_at) = spec.parameter(param, &param_at)?;
            let place = match param {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            declared.insert((param.parameter_data_ref().name.clone(), place), (param, param_at));
        }

        let template_params: Vec<&str> = path.segments.iter().flat_map(Segment::params).collect();
        let mut path_params = Vec::new();
        for name in &template_params {
            let (param, param_at) = declared.remove(&((*name).to_owned(), "path")).ok_or_else(|| {
                spec.error(at, format!("path parameter `{{{name}}}` is used in the path but not declared"))
            })?;
            let owner = Owner { noun: &noun, field: name };
            path_params.push(self.param(spec, param, &param_at, Location::Path, owner)?);
        }
        let mut params = Vec::new();
        let mut names =
            Namespace::with_reserved(["client", "limit", "resume", "send", "stream", "to_request"]);
        // Query parameters claim names before headers, so that when two
        // collide the one users set most often keeps the plain name.
        let mut declared: Vec<_> = declared.iter().collect();
        declared.sort_by_key(|((name, place), _)| (*place == "header", name.clone()));
        for ((name, place), (param, param_at)) in declared {
            let location = match *place {
                "query" => Location::Query,
                "header" => Location::Header,
                "path" => {
                    return Err(Problem::Fatal(spec.error(
                        param_at,
                        format!("path parameter {name:?} is declared but not in the path template"),
                    )));
                }
                _ => {
                    return Err(
                        skipped(spec, param_at, format!("{place} parameters are not supported")).into()
                    );
                }
            };
            let owner = Owner { noun: &noun, field: name };
            let mut param = self.param(spec, param, param_at, location, owner)?;
            param.rust_name = names.claim(&param.rust_name);
            params.push(param);
        }
        if let Some(body) = &op.request_body {
            for mut field in self.body(spec, body, &at.join("requestBody"), &noun, &operation_id)? {
                field.rust_name = names.claim(&field.rust_name);
                params.push(field);
            }
        }

        let response = self.response(spec, op, at, &operation_id)?;
        // Twilio pages are followed by `next_page_url`; page numbers and tokens stay internal.
        if matches!(response, Response::Page { .. }) {
            params.retain(|p| {
                !(p.location == Location::Query && matches!(p.name.as_str(), "Page" | "PageToken"))
            });
        }
        params.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));

        let mut doc = docs::first_of([op.description.as_deref(), op.summary.as_deref()]);
        if doc.is_empty() {
            doc = path.item.description.as_deref().map(docs::lines).unwrap_or_default();
        }
        if !doc.is_empty() {
            doc.push(String::new());
        }
        let request = format!("{} {}", format!("{http_method:?}").to_uppercase(), path.path);
        doc.push(format!("{} (operation {}).", docs::code(&request), docs::code(&operation_id)));

        let op = Operation {
            operation_id,
            method_name: String::new(),
            builder_name: String::new(),
            http_method,
            path: path.path.to_owned(),
            path_parts: path_parts(&path.segments),
            doc,
            path_params: Vec::new(),
            params,
            response,
            deprecated: op.deprecated,
        };
        Ok((op, path_params))
    }

    fn param(
        &mut self,
        spec: &'a Spec,
        param: &'a Parameter,
        at: &Pointer,
        location: Location,
        owner: Owner<'_>,
    ) -> Lowered<Param> {
        let data = param.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(_) => {
                return Err(skipped(
                    spec,
                    at,
                    "parameters described by `content` are not supported".to_owned(),
                )
                .into());
            }
        };
        let (resolved, _, _) = spec.schema(schema, &at.join("schema"))?;
        let (minimum, maximum) = bounds(resolved);
        let ty = self.schema(spec, schema.into(), &at.join("schema"), owner)?;
        Ok(Param {
            name: data.name.clone(),
            rust_name: snake(&data.name),
            location,
            required: data.required || location == Location::Path,
            ty,
            minimum,
            maximum,
            doc: docs::first_of([data.description.as_deref(), resolved.schema_data.description.as_deref()]),
            pii: is_pii(&data.extensions),
        })
    }

    /// A request body as parameters: one per field of a form body
    /// (`application/x-www-form-urlencoded`, preferred, as Twilio's create and
    /// update operations use), or one `body` parameter for a JSON body.
    fn body(
        &mut self,
        spec: &'a Spec,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        at: &Pointer,
        noun: &str,
        operation_id: &str,
    ) -> Lowered<Vec<Param>> {
        let (body, at) = spec.request_body(body, at)?;
        let chosen = ["application/x-www-form-urlencoded", "application/json"]
            .iter()
            .find_map(|wanted| body.content.get_key_value(*wanted))
            .or_else(|| body.content.iter().next());
        let Some((media, content)) = chosen else {
            return Ok(Vec::new());
        };
        let content_at = at.join("content").join(media);
        let Some(schema) = &content.schema else {
            return Ok(Vec::new());
        };
        if media == "application/json" {
            let noun = pascal(operation_id);
            let owner = Owner { noun: &noun, field: "body" };
            let ty = self.schema(spec, schema.into(), &content_at.join("schema"), owner)?;
            self.mark_input(&ty);
            return Ok(vec![Param {
                name: "body".to_owned(),
                rust_name: "body".to_owned(),
                location: Location::Json,
                required: body.required,
                ty,
                minimum: None,
                maximum: None,
                doc: docs::first_of([body.description.as_deref(), Some("The request body.")]),
                pii: false,
            }]);
        }
        if media != "application/x-www-form-urlencoded" {
            return Err(skipped(
                spec,
                &content_at,
                format!("request bodies of type {media} are not supported"),
            )
            .into());
        }
        let (schema, _, schema_at) = spec.schema(schema, &content_at.join("schema"))?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err(skipped(spec, &schema_at, "a form body must be an object schema".to_owned()).into());
        };
        let mut fields = Vec::new();
        for (name, property) in &object.properties {
            let field_at = schema_at.join("properties").join(name);
            let (resolved, _, _) = spec.schema(property, &field_at)?;
            let (minimum, maximum) = bounds(resolved);
            let ty = self.schema(spec, property.into(), &field_at, Owner { noun, field: name })?;
            fields.push(Param {
                name: name.clone(),
                rust_name: snake(name),
                location: Location::Form,
                required: object.required.contains(name),
                ty,
                minimum,
                maximum,
                doc: docs::first_of([resolved.schema_data.description.as_deref()]),
                pii: is_pii(&resolved.schema_data.extensions),
            });
        }
        Ok(fields)
    }

    /// Marks the structs a request body is built from, and the structs
    /// they hold, as input: users construct them, so they stay open.
    fn mark_input(&mut self, ty: &TypeRef) {
        let name = match ty {
            TypeRef::Named(name) => name,
            TypeRef::Array(inner) => return self.mark_input(inner),
            _ => return,
        };
        let fields = match self.types.get_mut(name) {
            Some(TypeDef::Struct(def)) if !def.input => {
                def.input = true;
                def.fields.iter().map(|f| f.ty.clone()).collect::<Vec<_>>()
            }
            _ => return,
        };
        for field in &fields {
            self.mark_input(field);
        }
    }

    fn response(
        &mut self,
        spec: &'a Spec,
        op: &'a OaOperation,
        at: &Pointer,
        operation_id: &str,
    ) -> Lowered<Response> {
        let success = op
            .responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            })
            .min_by_key(|(code, _)| match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(_) => 299,
            });
        let Some((code, response)) = success else {
            return Ok(Response::Empty);
        };
        let (response, response_at) = spec.response(response, &at.join("responses").join(code))?;
        let json = response.content.iter().find(|(media, _)| is_json(media));
        let Some((media, content)) = json.or_else(|| response.content.iter().next()) else {
            return Ok(Response::Empty);
        };
        let content_at = response_at.join("content").join(media);
        if !is_json(media) {
            return Err(
                skipped(spec, &content_at, format!("responses of type {media} are not supported")).into()
            );
        }
        let Some(schema) = &content.schema else {
            return Ok(Response::Json(TypeRef::Json));
        };
        let schema_at = content_at.join("schema");
        if let Some(page) = self.page(spec, schema, &schema_at)? {
            return Ok(page);
        }
        let noun = pascal(operation_id);
        let owner = Owner { noun: &noun, field: "response" };
        Ok(Response::Json(self.schema(spec, schema.into(), &schema_at, owner)?))
    }

    /// Recognizes a Twilio list page: an object with `meta` (holding
    /// `next_page_url`) and one array of items.
    fn page(
        &mut self,
        spec: &'a Spec,
        schema: &'a ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Lowered<Option<Response>> {
        let (schema, _, at) = spec.schema(schema, at)?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Ok(None);
        };
        let Some(meta) = object.properties.get("meta") else {
            return Ok(None);
        };
        let (meta, _, _) = spec.schema(meta, &at.join("properties").join("meta"))?;
        let has_next = match &meta.schema_kind {
            SchemaKind::Type(Type::Object(m)) => m.properties.contains_key("next_page_url"),
            SchemaKind::Any(m) => m.properties.contains_key("next_page_url"),
            _ => false,
        };
        let arrays: Vec<_> = object.properties.iter().filter(|(name, _)| name.as_str() != "meta").collect();
        let (true, [(items_key, items)]) = (has_next, arrays.as_slice()) else {
            return Ok(None);
        };
        let items_at = at.join("properties").join(items_key);
        let (items_schema, _, _) = spec.schema(*items, &items_at)?;
        let SchemaKind::Type(Type::Array(array)) = &items_schema.schema_kind else {
            return Ok(None);
        };
        let Some(item) = &array.items else {
            return Ok(None);
        };
        let noun = pascal(&singular(&snake(items_key)));
        let owner = Owner { noun: &noun, field: "item" };
        let item = self.schema(spec, item.into(), &items_at.join("items"), owner)?;
        Ok(Some(Response::Page { items_key: (*items_key).clone(), item }))
    }
}
