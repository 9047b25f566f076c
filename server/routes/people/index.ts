import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { notFound } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { findPerson, insertPerson, listPeople } from './queries.js'
import { CreatePersonBody, ListPeopleQuery, Person } from './schemas.js'

const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/people',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['people'],
        summary: 'Add a staff member with the enforcement certificate number (持证上岗)',
        body: CreatePersonBody,
        response: { 201: Person, ...problemResponses },
      },
    },
    async (request, reply) => {
      const person = await request.db.transaction((tx) => insertPerson(tx, request.body))
      if (!person) throw notFound(`unit ${request.body.unit_id} not found in your jurisdiction`)
      return reply.code(201).send(person)
    },
  )

  app.get(
    '/people',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['people'],
        querystring: ListPeopleQuery,
        response: { 200: Type.Object({ items: Type.Array(Person) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await listPeople(request.db, request.query) }),
  )

  app.get(
    '/people/:id',
    {
      config: { access: { roles: READERS } },
      schema: { tags: ['people'], params: IdParams, response: { 200: Person, ...problemResponses } },
    },
    async (request) => {
      const person = await findPerson(request.db, request.params.id)
      if (!person) throw notFound(`person ${request.params.id} not found`)
      return person
    },
  )
}

export default peopleRoutes
