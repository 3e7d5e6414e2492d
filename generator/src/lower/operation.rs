//! Lowering one operation: its parameters (path, query, header, form or JSON
//! body) and what its success response holds, Twilio pages included.

use std::collections::BTreeMap;

use openapiv3::{
    Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StatusCode, Type,
};

use super::*;
use crate::naming;

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
        operation_id: String,
    ) -> Lowered<(Operation, Vec<Param>)> {
        // Lock keys name the operation by method and path, which releases
        // keep; its operationId only suggests first names.
        let key = op_key(&format!("{http_method:?}"), &path.segments);
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
            let site = format!("param {key} path {name}");
            let owner = Owner { noun: &noun, field: name, site: &site };
            path_params.push(self.param(spec, param, &param_at, Location::Path, owner)?);
        }
        let mut params = Vec::new();
        // Builder methods, and the path parameters the builder also holds.
        let mut names = Namespace::with_reserved([
            "call",
            "client",
            "limit",
            "resume",
            "send",
            "stream",
            "to_request",
            "with_retry",
            "with_timeout",
        ]);
        let mut holders: BTreeMap<String, Location> = BTreeMap::new();
        for param in &path_params {
            names.claim(&param.rust_name);
            holders.insert(unraw(&param.rust_name).to_owned(), Location::Path);
        }
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
            let site = format!("param {key} {place} {name}");
            let owner = Owner { noun: &noun, field: name, site: &site };
            let mut param = self.param(spec, param, param_at, location, owner)?;
            param.rust_name = self.pick_param(&mut names, &mut holders, &key, &mut param);
            params.push(param);
        }
        if let Some(body) = &op.request_body {
            for mut field in self.body(spec, body, &at.join("requestBody"), &noun, (&operation_id, &key))? {
                field.rust_name = self.pick_param(&mut names, &mut holders, &key, &mut field);
                params.push(field);
            }
        }

        let (response, accept) = self.response(spec, op, at, (&operation_id, &key))?;
        // A resource returned here whose own `sid` has a prefix owns it: the
        // SID type takes its name (rule 8).
        if let Response::Json(TypeRef::Named(name)) | Response::Page { item: TypeRef::Named(name), .. } =
            &response
        {
            if let Some(TypeDef::Struct(def)) = self.types.get(name) {
                if let Some(TypeRef::Sid(prefix)) = def.fields.iter().find(|f| f.name == "sid").map(|f| &f.ty)
                {
                    let prefix = prefix.clone();
                    self.sid_uses.own(&prefix, &noun);
                }
            }
        }
        // Twilio pages are followed by `next_page_url`; page numbers and tokens stay internal.
        if matches!(response, Response::Page { .. }) {
            params.retain(|p| {
                !(p.location == Location::Query && matches!(p.name.as_str(), "Page" | "PageToken"))
            });
        }
        params.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));

        // A first line of its own, then the operation's own text; the path's
        // description documents its node, not each operation (Twilio shares
        // one text between a list and its members).
        let mut doc = vec![summary_line(http_method, path, &operation_id)];
        let text = docs::first_of([op.description.as_deref(), op.summary.as_deref()]);
        if !text.is_empty() {
            doc.push(String::new());
            doc.extend(text);
        }
        doc.push(String::new());
        let request = format!("{} {}", format!("{http_method:?}").to_uppercase(), path.path);
        doc.push(format!("{} (operation {}).", docs::code(&request), docs::code(&operation_id)));

        let op = Operation {
            required_struct: None,
            // Named where they are given, never by position (rule 17).
            required_setters: params.iter().any(|p| p.required),
            accept,
            builder_name: self.builders.get(&key).cloned().unwrap_or_default(),
            operation_id,
            method_name: String::new(),
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

    /// A parameter's Rust name: its own; else, beside one from another place,
    /// prefixed with where it goes (`form_account_sid` beside a path's
    /// `account_sid`), and beside one from the same place, with words for
    /// its spelling.
    fn pick_param(
        &mut self,
        names: &mut Namespace,
        holders: &mut BTreeMap<String, Location>,
        op_key: &str,
        param: &mut Param,
    ) -> String {
        let place = naming::place(param.location);
        let site = format!("param {op_key} {place} {}", param.name);
        (param.pii, param.pii_kept) = self.personal(&site, param.pii);
        let key = format!("{} {site}", self.module);
        let plain = unraw(&param.rust_name).to_owned();
        let prefixed = format!("{place}_{plain}");
        let spelled = format!("{plain}_{}", snake(&naming::spelling(&param.name)));
        let candidates = match holders.get(&plain) {
            Some(holder) if *holder == param.location => [param.rust_name.clone(), spelled, prefixed],
            _ => [param.rust_name.clone(), prefixed, spelled],
        };
        let name = pick(self.lock, &mut self.claims, names, key, candidates);
        holders.insert(unraw(&name).to_owned(), param.location);
        holders.entry(plain).or_insert(param.location);
        name
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
            pii_kept: false,
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
        (operation_id, op_key): (&str, &str),
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
            let site = format!("body {op_key}");
            let owner = Owner { noun: &noun, field: "body", site: &site };
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
                pii_kept: false,
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
            let site = format!("param {op_key} form {name}");
            let ty =
                self.schema(spec, property.into(), &field_at, Owner { noun, field: name, site: &site })?;
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
                pii_kept: false,
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
                for field in &mut def.fields {
                    let flags = self.body_fields.get(&(name.clone(), field.name.clone()));
                    let (required, nullable) = flags.copied().unwrap_or_default();
                    // Only a value that may be left out can be sent as `null` too.
                    (field.required, field.nullable) = (required, nullable && !required);
                }
                def.fields.iter().map(|f| f.ty.clone()).collect::<Vec<_>>()
            }
            _ => return,
        };
        for field in &fields {
            self.mark_input(field);
        }
    }

    /// The operation's answer, and the media type to ask for (`Accept`)
    /// when it is JSON of another name.
    fn response(
        &mut self,
        spec: &'a Spec,
        op: &'a OaOperation,
        at: &Pointer,
        (operation_id, op_key): (&str, &str),
    ) -> Lowered<(Response, Option<String>)> {
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
            // Only a redirect: the call's answer is where it points.
            let redirect = op.responses.responses.keys().any(|code| match code {
                StatusCode::Code(c) => (300..400).contains(c),
                StatusCode::Range(r) => *r == 3,
            });
            return Ok((if redirect { Response::Redirect } else { Response::Empty }, None));
        };
        let (response, response_at) = spec.response(response, &at.join("responses").join(code))?;
        let json = response.content.iter().find(|(media, _)| is_json(media));
        let Some((media, content)) = json.or_else(|| response.content.iter().next()) else {
            return Ok((Response::Empty, None));
        };
        let content_at = response_at.join("content").join(media);
        if !is_json(media) {
            return Err(
                skipped(spec, &content_at, format!("responses of type {media} are not supported")).into()
            );
        }
        // JSON of another name (`application/scim+json`) is asked for by name.
        let accept = (media != "application/json").then(|| media.clone());
        let Some(schema) = &content.schema else {
            return Ok((Response::Json(TypeRef::Json), accept));
        };
        let schema_at = content_at.join("schema");
        if let Some(page) = self.page(spec, schema, &schema_at, op_key)? {
            return Ok((page, accept));
        }
        let noun = pascal(operation_id);
        let site = format!("response {op_key}");
        let owner = Owner { noun: &noun, field: "response", site: &site };
        Ok((Response::Json(self.schema(spec, schema.into(), &schema_at, owner)?), accept))
    }

    /// Recognizes a Twilio list page: an object with `meta` (holding
    /// `next_page_url`) and one array of items.
    fn page(
        &mut self,
        spec: &'a Spec,
        schema: &'a ReferenceOr<Schema>,
        at: &Pointer,
        op_key: &str,
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
        let site = format!("item {op_key}");
        let owner = Owner { noun: &noun, field: "item", site: &site };
        let item = self.schema(spec, item.into(), &items_at.join("items"), owner)?;
        Ok(Some(Response::Page { items_key: (*items_key).clone(), item }))
    }
}

/// What a path's items are called, in words: its `mountName`, else its last
/// literal segment (`user bindings`), as (one, many).
pub(super) fn nouns(path: &PathInput<'_>) -> (String, String) {
    let mount = twilio_ext(&path.item.extensions, "mountName").and_then(|v| v.as_str());
    let name = mount.or_else(|| path.segments.iter().rev().find_map(Segment::literal)).unwrap_or("item");
    let plural = unraw(&snake(name)).replace('_', " ");
    let one = unraw(&singular(&snake(name))).replace('_', " ");
    (one, plural)
}

/// The first doc line of an operation: what it does, in the words its path
/// uses (`Lists the user bindings.`, `Fetches one binding.`). The verb is
/// the `operationId`'s when it leads with one of Twilio's five (a POST to a
/// member can create, a POST to a list can update), else the method's.
fn summary_line(method: HttpMethod, path: &PathInput<'_>, operation_id: &str) -> String {
    let (one, many) = nouns(path);
    let collection = path.segments.last().is_some_and(|s| s.literal().is_some())
        && twilio_ext(&path.item.extensions, "pathType").and_then(|v| v.as_str()) != Some("instance");
    let article = docs::article(&one);
    let verb = ["List", "Fetch", "Create", "Update", "Delete"].into_iter().find(|verb| {
        operation_id.strip_prefix(verb).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    });
    match (verb, method, collection) {
        (Some("List"), ..) | (None, HttpMethod::Get, true) => format!("Lists the {many}."),
        (Some("Fetch"), ..) | (None, HttpMethod::Get, false) => format!("Fetches one {one}."),
        (Some("Create"), ..) | (None, HttpMethod::Post, true) => format!("Creates {article} {one}."),
        (Some("Delete"), ..) | (None, HttpMethod::Delete, _) => format!("Deletes {article} {one}."),
        _ => format!("Updates {article} {one}."),
    }
}
