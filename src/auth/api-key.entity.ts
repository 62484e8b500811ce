import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A gateway key. Only its SHA-256 is stored; the key itself is shown once at creation. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  name: string;

  /** The first characters of the key, so a person can tell keys apart. */
  @Column('text')
  prefix: string;

  @Column('text', { name: 'key_hash', unique: true })
  keyHash: string;

  @Column('text', { array: true })
  scopes: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
